import { runAgentTurn } from '../agents/run-agent-turn.js';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import type { ModelInfo, ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { StepContext, Workflow, WorkflowStep } from '../workflow/workflow.js';
import { chatPattern } from './chat-pattern.js';
import { codeTeamWorkflow } from './code-team.js';
import { pipelinePattern } from './pipeline-pattern.js';
import type { TeamPattern } from './team-pattern.js';

/** Options for {@link teamWorkflow}. */
export interface TeamWorkflowOptions {
  config: ResolvedConfig;
  team: TeamConfig;
  task: string;
  gateway: LlmGateway;
  onTextDelta?: (agentId: string, delta: string) => void;
  /** Where the `code` team runs generated tests (created by runTask from `sandbox:`); other teams need none. */
  sandbox?: Sandbox;
}

/** Compiles a team into a workflow: its pattern schedules the turns, each turn is one agent call. */
export function teamWorkflow({
  config,
  team,
  task,
  gateway,
  onTextDelta,
  sandbox,
}: TeamWorkflowOptions): Workflow {
  const runTurn = async (step: WorkflowStep, context: StepContext) => {
    const agent = config.agents[step.agentId];
    if (!agent) {
      throw new AgentMeshError({
        code: 'unknown_agent',
        message: `Team "${team.id}" schedules agent "${step.agentId}", which is not configured; define it under agents: in agentmesh.yaml.`,
      });
    }
    return runAgentTurn({
      agent,
      models: [agent.model, ...agent.fallbackModels].map((ref) => modelFor(config, ref)),
      gateway,
      task,
      step,
      context,
      stream: config.stream,
      timeoutMs: config.limits.callTimeoutMs,
      ...(onTextDelta && { onTextDelta }),
    });
  };
  if (team.pattern === 'code') {
    const { mode: _mode, ...limits } = config.sandbox;
    return codeTeamWorkflow({ team, runTurn, sandbox, limits });
  }
  const pattern = patternFor(team);
  return { next: (state) => pattern.next(state), runStep: runTurn };
}

function patternFor(team: TeamConfig): TeamPattern {
  switch (team.pattern) {
    case 'pipeline':
      return pipelinePattern(team.agents);
    case 'chat':
      return chatPattern({
        agentIds: team.agents,
        maxRounds: team.maxRounds,
        approver: team.approver,
        approvalKeyword: team.approvalKeyword,
      });
    case 'code':
      throw new Error('The code team compiles through codeTeamWorkflow, not a TeamPattern');
  }
}

function modelFor(config: ResolvedConfig, ref: string): ModelInfo {
  const model = config.models[ref];
  if (!model) {
    throw new AgentMeshError({
      code: 'unknown_model',
      message: `Model "${ref}" is not configured; add it under models: in agentmesh.yaml.`,
    });
  }
  return model;
}
