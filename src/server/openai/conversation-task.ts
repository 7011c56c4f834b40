import type { ChatMessage } from './chat-completion-request.js';
import { OpenAiError } from './openai-error.js';

/** The text of a message: its string, or its text parts joined. */
export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return (message.content ?? []).map((part) => part.text).join('');
}

/**
 * The run's task from a conversation: the last user message, with every other message before it (and any
 * after it) prepended as a "Conversation so far" block, so a team sees what was said.
 * @throws OpenAiError 400 (param `messages`) when no user message has text.
 */
export function conversationTask(messages: readonly ChatMessage[]): string {
  const last = messages.findLastIndex(
    (message) => message.role === 'user' && messageText(message).trim() !== '',
  );
  const ask = messages[last];
  if (ask === undefined) {
    throw OpenAiError.badRequest(
      'messages: no user message with text; the last user message is the task the team works on.',
      'messages',
    );
  }
  const context = messages
    .filter((message, index) => index !== last && messageText(message).trim() !== '')
    .map((message) => `[${message.role}]\n${messageText(message).trim()}`);
  if (context.length === 0) return messageText(ask);
  return `Conversation so far:\n\n${context.join('\n\n')}\n\nTask (the user's last message):\n${messageText(ask)}`;
}
