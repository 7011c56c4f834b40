import type { Conversation } from './conversation.js';
import { shortTask } from './task-words.js';

/**
 * A task with this word puts the critic and the summarizer in a loop (the repetition scenario): the
 * critic never approves and asks for a shorter summary every round, and the summarizer answers with
 * "an even more concise summary" that says the same thing again. Neither reacts to a steer.
 */
export const REPETITIVE_MARKER = /\brepetitive\b/i;

/** The answer of an agent stuck in the loop, or null when the scenario does not apply to this request. */
export function repetitiveAnswer(conversation: Conversation): string | null {
  if (!REPETITIVE_MARKER.test(conversation.task)) return null;
  const task = shortTask(conversation.task);
  // The attempt number changes one word at the very end, so repeats are near-duplicates, not copies.
  const attempt = conversation.earlierAnswers + 1;
  switch (conversation.role) {
    case 'critic':
      return (
        `The summary of "${task}" is still too long and repeats the plan. Please make it more concise: ` +
        'drop the implementation details, keep only the outcome and the open questions, and send it ' +
        `back for another review. Review number ${attempt}.`
      );
    case 'summarizer':
      return (
        `Here is an even more concise summary of "${task}": the team agreed on a plan, implemented ` +
        'the code, covered it with tests and reviewed it; the open questions are listed above and ' +
        `nothing else has changed since the previous version. Attempt number ${attempt}.`
      );
    default:
      return null;
  }
}
