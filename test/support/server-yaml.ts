/** agentmesh.yaml of the server tests: `duo` (planner → coder) and `gated` (the same, coder's answer waits for approval). */
export const DUO_AND_GATED_YAML = [
  'stream: true',
  'teams:',
  '  duo:',
  '    pattern: pipeline',
  '    agents: [planner, coder]',
  '  gated:',
  '    pattern: pipeline',
  '    agents: [planner, coder]',
  '    approval: [coder]',
  '',
].join('\n');

/** agentmesh.yaml with a custom agent `poet` and a one-agent team `verse`. */
export const POET_YAML = `agents:
  poet:
    systemPrompt: You write short poems about the task.
teams:
  verse:
    pattern: pipeline
    agents: [poet]
`;
