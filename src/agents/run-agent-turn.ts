import type { AgentConfig, ModelInfo } from '../config/resolved-config.js';
import type { TranscriptMessage } from '../core/index.js';
import type { AttemptRecord, LlmGateway } from '../llm/gateway.js';
import type { AgentTools } from '../tools/agent-tools.js';
import type { StepContext, StepEventInput, WorkflowStep } from '../workflow/workflow.js';
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
  /** The agent's tools; absent or empty: one gateway call, no tool loop. */
  tools?: AgentTools;
}

/**
 * One agent turn: assemble the prompt and call the gateway (which retries and falls back). Failed
 * attempts are recorded at once; the accepted attempt and the message are returned, for the executor
 * to store in one transaction with the step's completion. A failure throws; nothing but a validated,
 * non-empty answer ever becomes a message.
 */
export async function runAgentTurn(options: AgentTurnOptions): Promise<StepEventInput[]> {
  const { agent, context, step } = options;
  const feedback = context.state.steps.find((s) => s.stepId === step.stepId)?.feedback;
  const messages = buildTurnMessages({
    agentId: agent.id,
    systemPrompt: agent.systemPrompt,
    task: options.task,
    transcript: visibleTranscript(context.state.transcript, step.inputs),
    ...(step.instruction && { instruction: step.instruction }),
    ...(feedback && { feedback }),
  });
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
    ...(options.onTextDelta && { onTextDelta: (delta: string) => options.onTextDelta?.(agent.id, delta) }),
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
  return [
    accepted,
    {
      type: 'message.added',
      stepId: step.stepId,
      agentId: agent.id,
      content: result.content,
      ...(result.reasoningContent && { reasoningContent: result.reasoningContent }),
      model: `${result.provider}:${result.model}`,
    },
  ];
}

/** What a step sees: its inputs in the order given, or the whole transcript when it names none. */
export function visibleTranscript(
  transcript: readonly TranscriptMessage[],
  inputs: readonly string[] | undefined,
): TranscriptMessage[] {
  if (!inputs) return [...transcript];
  const byStep = new Map<string, TranscriptMessage[]>();
  for (const message of transcript) {
    byStep.set(message.stepId, [...(byStep.get(message.stepId) ?? []), message]);
  }
  return inputs.flatMap((stepId) => byStep.get(stepId) ?? []);
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
