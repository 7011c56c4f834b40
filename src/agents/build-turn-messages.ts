import type { ChatMessage, TranscriptMessage } from '../core/index.js';

/** Options for {@link buildTurnMessages}. */
export interface TurnMessagesOptions {
  agentId: string;
  systemPrompt: string;
  task: string;
  transcript: readonly TranscriptMessage[];
  /** This turn's own instruction (a subtask, a reviewer's findings, a steer), sent last. */
  instruction?: string;
  /** A human rejected this agent's previous answer to the same step: the answer and why. */
  feedback?: { rejectedOutput: string; comment: string };
}

/**
 * The messages one agent sees on its turn: its role prompt, the task, then the shared transcript.
 * The agent's own earlier outputs are assistant turns (with their reasoning); other agents' outputs are
 * user turns labelled with the speaker, so each model keeps a coherent first-person history.
 */
export function buildTurnMessages({
  agentId,
  systemPrompt,
  task,
  transcript,
  instruction,
  feedback,
}: TurnMessagesOptions): ChatMessage[] {
  const messages: ChatMessage[] = [
    { role: 'system', content: systemPrompt },
    { role: 'user', content: `Task:\n${task}` },
  ];
  for (const entry of transcript) {
    if (entry.agentId === agentId) {
      const own: ChatMessage = { role: 'assistant', content: entry.content };
      if (entry.reasoningContent) own.reasoningContent = entry.reasoningContent;
      messages.push(own);
    } else {
      messages.push({ role: 'user', content: `[${entry.agentId}]\n${entry.content}` });
    }
  }
  if (feedback) {
    messages.push({ role: 'assistant', content: feedback.rejectedOutput });
    messages.push({
      role: 'user',
      content: `A human reviewer rejected your answer above${feedback.comment ? `: ${feedback.comment}` : '.'}\nRevise it accordingly.`,
    });
  }
  if (instruction) messages.push({ role: 'user', content: instruction });
  // Chat APIs expect the last message to come from the user.
  if (messages.at(-1)?.role === 'assistant') {
    messages.push({ role: 'user', content: 'It is your turn again. Continue with the task.' });
  }
  return messages;
}
