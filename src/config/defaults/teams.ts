import type { TeamConfig } from '../resolved-config.js';
import { DEFAULT_MAX_ITERATIONS, DEFAULT_MAX_SUBTASKS } from './settings.js';

/** The team a run uses when neither `--team` nor `defaults.team` names one. */
export const DEFAULT_TEAM_ID = 'pipeline';

/** The word a chat team's approver writes on its first line to end the conversation. */
export const DEFAULT_APPROVAL_KEYWORD = 'APPROVED';

/** The agents both built-in teams use, in speaking order. */
const CORE_AGENTS = ['planner', 'researcher', 'coder', 'critic', 'summarizer'];

/**
 * Built-in teams: a one-pass pipeline, a round-robin chat that ends on the critic's approval, and the
 * code team, whose tests run in a sandbox until they pass (the critic gives the final review).
 */
/** The fields every team has, with their defaults; a team spells out what differs. */
export function teamDefaults(id: string, pattern: TeamConfig['pattern'], agents: string[]): TeamConfig {
  return {
    id,
    pattern,
    description: '',
    agents,
    stages: agents.map((agentId) => [agentId]),
    maxRounds: 1,
    approver: null,
    approvalKeyword: DEFAULT_APPROVAL_KEYWORD,
    maxIterations: DEFAULT_MAX_ITERATIONS,
    concurrency: null,
    approval: [],
    selector: null,
    maxSubtasks: DEFAULT_MAX_SUBTASKS,
    graph: null,
    termination: null,
  };
}

const PARALLEL_STAGES = [['planner'], ['researcher', 'coder', 'critic'], ['summarizer']];

/**
 * Built-in teams, one per pattern: a one-pass pipeline, a fan-out/fan-in, a round-robin chat and a
 * selector chat that end on the critic's approval, a review loop, a handshake, a manager with workers,
 * and the code team, whose tests run in a sandbox until they pass.
 */
export const BUILTIN_TEAMS: Record<string, TeamConfig> = {
  pipeline: {
    ...teamDefaults('pipeline', 'pipeline', [...CORE_AGENTS]),
    description:
      'Planner, researcher, coder, critic and summarizer in turn; each sees the task and all earlier outputs.',
  },
  parallel: {
    ...teamDefaults('parallel', 'parallel', PARALLEL_STAGES.flat()),
    stages: PARALLEL_STAGES,
    description:
      'The planner plans; researcher, coder and critic work on the plan at the same time; the summarizer merges their outputs.',
  },
  chat: {
    ...teamDefaults('chat', 'chat', [...CORE_AGENTS]),
    description:
      'The same five agents take turns over a shared transcript until the critic replies APPROVED, at most 3 rounds.',
    maxRounds: 3,
    approver: 'critic',
  },
  selector: {
    ...teamDefaults('selector', 'selector', ['planner', 'researcher', 'coder', 'critic', 'summarizer']),
    description:
      'Before each turn the planner picks who speaks next (researcher, coder, critic or summarizer) until the critic replies APPROVED, at most 8 turns.',
    maxRounds: 8,
    approver: 'critic',
    selector: { agent: 'planner', rule: null, fallback: null },
  },
  'review-loop': {
    ...teamDefaults('review-loop', 'review-loop', ['coder', 'critic', 'debugger']),
    description:
      'The coder writes, the critic reviews; while the critic reports issues, the debugger fixes them and the critic reviews again (at most 3 fixes). Ends on APPROVED.',
  },
  handshake: {
    ...teamDefaults('handshake', 'handshake', ['architect', 'critic', 'summarizer']),
    description:
      'The architect proposes, the critic validates (APPROVED, or issues that send it back, at most 3 times), the summarizer finalises. Give each a different model.',
  },
  hierarchical: {
    ...teamDefaults('hierarchical', 'hierarchical', [
      'planner',
      'researcher',
      'architect',
      'coder',
      'tester',
      'documenter',
    ]),
    description:
      'The planner splits the task into subtasks, delegates each to the agent whose capabilities fit, and synthesises their results.',
  },
  code: {
    ...teamDefaults('code', 'code', ['architect', 'coder', 'tester', 'debugger', 'documenter', 'critic']),
    description:
      'Architect, coder and tester write code and tests; a runner executes them in a sandbox and the debugger fixes failures until they pass (at most 3 runs); then the documenter writes the README and the critic reviews.',
  },
};
