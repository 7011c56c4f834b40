import type { AgentConfig, ModelInfo, RepetitionConfig } from '../config/resolved-config.js';
import type { TranscriptMessage } from '../core/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { AgentTools } from '../tools/agent-tools.js';
import type { StepContext, StepEventInput, WorkflowStep } from '../workflow/workflow.js';
import { buildTurnMessages } from './build-turn-messages.js';
import { answerEvents, callAgentModel } from './call-agent-model.js';
import { runToolLoop } from './tool-loop.js';

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
  /**
   * The team's repetition conditions (termination `repetition`): a tool call repeating one of the step's
   * recent calls within a condition's `toolCallWindow` is refused (see settleToolTurn). @default []
   */
  toolRepetition?: readonly RepetitionConfig[];
}

/**
 * One agent turn: assemble the prompt and call the gateway (which retries and falls back). Failed
 * attempts are recorded at once; the accepted attempt and the message are returned, for the executor
 * to store in one transaction with the step's completion. A failure throws; nothing but a validated,
 * non-empty answer ever becomes a message. With tools, the turn is a tool-call loop ({@link runToolLoop}).
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
  const { tools } = options;
  // A select step only names the next speaker: its agent's tools are for its own turns.
  if (tools && tools.definitions.length > 0 && step.kind !== 'select') {
    return runToolLoop({ ...options, tools, messages, repetition: options.toolRepetition ?? [] });
  }
  return answerEvents(step, await callAgentModel(options, messages));
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
