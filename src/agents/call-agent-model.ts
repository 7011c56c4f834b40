import type { AgentConfig, ModelInfo } from '../config/resolved-config.js';
import type { ChatMessage } from '../core/index.js';
import type { AttemptRecord, GatewayResult, LlmGateway } from '../llm/gateway.js';
import type { ToolChoice, ToolSpec } from '../llm/provider.js';
import type { StepContext, StepEventInput, WorkflowStep } from '../workflow/workflow.js';

/** What one model call of an agent turn needs. */
export interface AgentModelCallOptions {
  agent: AgentConfig;
  models: ModelInfo[];
  gateway: LlmGateway;
  step: WorkflowStep;
  context: StepContext;
  stream: boolean;
  timeoutMs: number;
  onTextDelta?: (agentId: string, delta: string) => void;
}

/** The gateway's answer and its accepted attempt (`llm.completed`), which the caller records or returns. */
export interface AgentModelAnswer {
  result: GatewayResult;
  accepted: StepEventInput;
}

/**
 * One gateway call (with its retries and fallbacks) for an agent's step. Failed attempts and breaker
 * changes are recorded at once; the accepted attempt is handed back, not recorded.
 */
export async function callAgentModel(
  options: AgentModelCallOptions,
  messages: ChatMessage[],
  tooling?: { tools: ToolSpec[]; toolChoice: ToolChoice },
): Promise<AgentModelAnswer> {
  const { agent, context, step, onTextDelta } = options;
  let accepted: StepEventInput | undefined;
  const result = await options.gateway.call({
    agentId: agent.id,
    runId: context.runId,
    cache: agent.cache,
    models: options.models,
    messages,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    stream: options.stream,
    timeoutMs: options.timeoutMs,
    signal: context.signal,
    ...(tooling && { tools: tooling.tools, toolChoice: tooling.toolChoice }),
    ...(onTextDelta && { onTextDelta: (delta: string) => onTextDelta(agent.id, delta) }),
    onAttempt: async (attempt) => {
      if (attempt.ok) accepted = attemptEvent(step, attempt);
      else await context.record(attemptEvent(step, attempt));
    },
    onBreakerChange: async ({ provider, model, state }) => {
      await context.record({
        type: 'breaker.changed',
        provider,
        model,
        state,
        stepId: step.stepId,
        agentId: agent.id,
      });
    },
  });
  if (!accepted) throw new Error('The gateway returned an answer without reporting its attempt');
  return { result, accepted };
}

/** The agent's answer as the step's result: its accepted attempt, then the message it adds. */
export function answerEvents(step: WorkflowStep, { result, accepted }: AgentModelAnswer): StepEventInput[] {
  return [
    accepted,
    {
      type: 'message.added',
      stepId: step.stepId,
      agentId: step.agentId,
      content: result.content,
      ...(result.reasoningContent && { reasoningContent: result.reasoningContent }),
      model: `${result.provider}:${result.model}`,
    },
  ];
}

function attemptEvent(step: WorkflowStep, attempt: AttemptRecord): StepEventInput {
  const base = {
    stepId: step.stepId,
    agentId: step.agentId,
    provider: attempt.provider,
    model: attempt.model,
    attempt: attempt.attempt,
    latencyMs: attempt.latencyMs,
  };
  if (attempt.ok) {
    return {
      ...base,
      type: 'llm.completed' as const,
      usage: attempt.usage,
      ...(attempt.requestId && { requestId: attempt.requestId }),
      ...(attempt.finishReason && { finishReason: attempt.finishReason }),
      ...(attempt.cached && { cached: true, savedUsd: attempt.savedUsd ?? 0 }),
    };
  }
  return {
    ...base,
    type: 'llm.failed' as const,
    error: attempt.error.toInfo(),
    ...(attempt.error.status !== undefined && { status: attempt.error.status }),
    ...(attempt.usage && { usage: attempt.usage }),
  };
}
