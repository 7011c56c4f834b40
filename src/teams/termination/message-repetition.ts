import type { RepetitionConfig } from '../../config/resolved-config.js';
import type { RunState, TranscriptMessage } from '../../core/index.js';
import { shingleSimilarity } from './shingle-similarity.js';

/** An agent's message that is a near-duplicate of one of its own recent messages. */
export interface MessageRepeat {
  stepId: string;
  agentId: string;
  /** Similarity to the closest of the agent's previous `window` messages, 0..1. */
  similarity: number;
  /** The step that said it had already been steered (its instruction carried the steer). */
  steered: boolean;
}

/**
 * Whether `message` repeats its agent: its similarity to the closest of that agent's previous `window`
 * messages in `earlier` is at or above the threshold. Only the agent's own messages count: a team's
 * transcript quotes other agents on purpose (a summary restates the work, a review quotes the code).
 */
export function repeatOf(
  message: TranscriptMessage,
  earlier: readonly TranscriptMessage[],
  repetition: RepetitionConfig,
  steered: boolean,
): MessageRepeat | null {
  const previous = earlier
    .filter((other) => other.agentId === message.agentId && other.stepId !== message.stepId)
    .slice(-repetition.window);
  if (previous.length === 0) return null;
  const similarity = Math.max(...previous.map((other) => shingleSimilarity(message.content, other.content)));
  if (similarity < repetition.threshold) return null;
  return { stepId: message.stepId, agentId: message.agentId, similarity, steered };
}

/**
 * Every agent whose newest message repeats it (see {@link repeatOf}), in transcript order. A step counts
 * as steered when its recorded instruction contains this condition's steer instruction.
 */
export function findMessageRepeats(state: RunState, repetition: RepetitionConfig): MessageRepeat[] {
  const turns = agentTurns(state);
  const newestIndex = new Map<string, number>();
  for (const [index, message] of turns.entries()) newestIndex.set(message.agentId, index);
  const repeats: MessageRepeat[] = [];
  for (const index of [...newestIndex.values()].sort((a, b) => a - b)) {
    const message = turns[index]!;
    const repeat = repeatOf(
      message,
      turns.slice(0, index),
      repetition,
      wasSteered(state, message.stepId, repetition),
    );
    if (repeat) repeats.push(repeat);
  }
  return repeats;
}

/** The transcript without the messages of select steps: a selector naming the next speaker is not a turn. */
export function agentTurns(state: RunState): TranscriptMessage[] {
  return state.transcript.filter((message) => state.speakers[message.stepId] === undefined);
}

function wasSteered(state: RunState, stepId: string, repetition: RepetitionConfig): boolean {
  const instruction = state.steps.find((step) => step.stepId === stepId)?.instruction;
  return instruction?.includes(repetition.instruction) ?? false;
}
