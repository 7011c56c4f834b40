import { runAgentTurn } from '../agents/run-agent-turn.js';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import type { ModelInfo, ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { Toolbox } from '../tools/agent-tools.js';
import type { StepContext, Workflow, WorkflowStep } from '../workflow/workflow.js';
import { chatPattern } from './chat-pattern.js';
import { codeTeamWorkflow } from './code-team.js';
import { graphPattern } from './graph/graph-pattern.js';
import { handshakePattern } from './handshake-pattern.js';
import { hierarchicalPattern } from './hierarchical-pattern.js';
import { parallelPattern } from './parallel-pattern.js';
import { pipelinePattern } from './pipeline-pattern.js';
import { reviewLoopPattern } from './review-loop-pattern.js';
import { selectionEvents, selectorPattern } from './selector-pattern.js';
import type { TeamPattern } from './team-pattern.js';
import { repetitionConditions } from './termination/evaluate-termination.js';
import { withLoopEvents } from './termination/loop-events.js';
import { withTermination } from './termination/with-termination.js';

/** Options for {@link teamWorkflow}. */
export interface TeamWorkflowOptions {
  config: ResolvedConfig;
  team: TeamConfig;
  task: string;
  gateway: LlmGateway;
  onTextDelta?: (agentId: string, delta: string) => void;
  /** Where the `code` team runs generated tests (created by runTask from `sandbox:`); other teams need none. */
  sandbox?: Sandbox;
  /** The clock of wall-clock termination conditions. */
  now?: () => Date;
  /** The run's tools (built by the runtime when it starts the run); absent: no agent has tools. */
  toolbox?: Toolbox;
}

/** Compiles a team into a workflow: its pattern schedules the steps, each step is one agent call. */
export function teamWorkflow({
  config,
  team,
  task,
  gateway,
  onTextDelta,
  sandbox,
  now = () => new Date(),
  toolbox,
}: TeamWorkflowOptions): Workflow {
  // A repeated tool call (same tool, same arguments) within a step is refused under these conditions.
  const toolRepetition = team.termination ? repetitionConditions(team.termination) : [];
  const runTurn = async (step: WorkflowStep, context: StepContext) => {
    const agent = config.agents[step.agentId];
    if (!agent) {
      throw new AgentMeshError({
        code: 'unknown_agent',
        message: `Team "${team.id}" schedules agent "${step.agentId}", which is not configured; define it under agents: in agentmesh.yaml.`,
      });
    }
    const tools = toolbox?.forAgent(agent.id);
    return runAgentTurn({
      agent,
      ...(tools && { tools, toolRepetition }),
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
  const pattern = withTermination(withApprovals(patternFor(team, config), team, config), team, now);
  return {
    next: (state) => pattern.next(state),
    async runStep(step, context) {
      const events = await runTurn(step, context);
      const results = step.kind === 'select' ? selectionEvents(events, step, team) : events;
      return withLoopEvents(results, step, context.state, team.termination);
    },
  };
}

/** The team's pattern; `chat` is the spine's name for `roundrobin`. */
export function patternFor(team: TeamConfig, config: ResolvedConfig): TeamPattern {
  switch (team.pattern) {
    case 'pipeline':
      return pipelinePattern(team.agents);
    case 'parallel':
      return parallelPattern(team);
    case 'chat':
    case 'roundrobin':
      return chatPattern({
        agentIds: team.agents,
        maxRounds: team.maxRounds,
        approver: team.approver,
        approvalKeyword: team.approvalKeyword,
      });
    case 'selector':
      return selectorPattern(team, config.agents);
    case 'review-loop':
      return reviewLoopPattern(team);
    case 'handshake':
      return handshakePattern(team);
    case 'hierarchical':
      return hierarchicalPattern(team, config.agents);
    case 'graph':
      return graphPattern(team);
    case 'code':
      throw new Error('The code team compiles through codeTeamWorkflow, not a TeamPattern');
  }
}

/** Marks the steps of agents that need a human decision (team `approval:` or the agent's `approval: true`). */
function withApprovals(pattern: TeamPattern, team: TeamConfig, config: ResolvedConfig): TeamPattern {
  const needsApproval = (agentId: string) =>
    team.approval.includes(agentId) || config.agents[agentId]?.approval === true;
  if (!team.agents.some(needsApproval)) return pattern;
  return {
    next(state) {
      const decision = pattern.next(state);
      if (decision.kind === 'finish') return decision;
      return {
        kind: 'steps',
        steps: decision.steps.map((step) =>
          step.kind !== 'select' && needsApproval(step.agentId) ? { ...step, requiresApproval: true } : step,
        ),
      };
    },
  };
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
