import type { AgentConfig, ModelInfo } from '../config/resolved-config.js';
import type { AttemptRecord, LlmGateway } from '../llm/gateway.js';
import type { StepContext, WorkflowStep } from '../workflow/workflow.js';
import { buildTurnMessages } from './build-turn-messages.js';

/** Options for {@link runAgentTurn}. */
export interface AgentTurnOptions {
  agent: AgentConfig;
  /** The agent's primary model first, then its fallbacks. */
  models: ModelInfo[];
  gateway: LlmGateway;
  task: string;
  step: WorkflowStep;
  context: StepContext;
  stream: boolean;
  timeoutMs: number;
  onTextDelta?: (agentId: string, delta: string) => void;
}

/**
 * One agent turn: assemble the prompt, call the gateway (which retries and falls back), record every
 * attempt, and add the answer to the transcript. A failure throws; nothing but a validated,
 * non-empty answer ever becomes a message.
 */
export async function runAgentTurn(options: AgentTurnOptions): Promise<void> {
  const { agent, context, step } = options;
  const messages = buildTurnMessages({
    agentId: agent.id,
    systemPrompt: agent.systemPrompt,
    task: options.task,
    transcript: context.state.transcript,
  });
  const result = await options.gateway.call({
    agentId: agent.id,
    models: options.models,
    messages,
    temperature: agent.temperature,
    maxTokens: agent.maxTokens,
    stream: options.stream,
    timeoutMs: options.timeoutMs,
    signal: context.signal,
    ...(options.onTextDelta && { onTextDelta: (delta: string) => options.onTextDelta?.(agent.id, delta) }),
    onAttempt: (attempt) => context.record(attemptEvent(step, attempt)),
  });
  await context.record({
    type: 'message.added',
    stepId: step.stepId,
    agentId: agent.id,
    content: result.content,
    ...(result.reasoningContent && { reasoningContent: result.reasoningContent }),
    model: `${result.provider}:${result.model}`,
  });
}

function attemptEvent(step: WorkflowStep, attempt: AttemptRecord) {
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
    };
  }
  return {
    ...base,
    type: 'llm.failed' as const,
    error: attempt.error.toInfo(),
    ...(attempt.error.status !== undefined && { status: attempt.error.status }),
  };
}
