import type { SimMessage } from './chat-request.js';

/** The roles the simulator answers in character; anything else gets a generic answer. */
export const SIM_ROLES = [
  'planner',
  'researcher',
  'architect',
  'coder',
  'critic',
  'debugger',
  'tester',
  'documenter',
  'summarizer',
] as const;

/** One of {@link SIM_ROLES}. */
export type SimRole = (typeof SIM_ROLES)[number];

/** What the answer generator needs to know about a request's conversation. */
export interface Conversation {
  /** The role word found earliest in the system prompt, if any. */
  role: SimRole | undefined;
  /** The first user message: the team's task. */
  task: string;
  /** Assistant turns already in the request: the agent's own earlier answers. */
  earlierAnswers: number;
  /** User messages after the first: what other agents contributed. */
  contributions: number;
  /** The last user message, which carries the newest instruction or report (e.g. the code team's runner). */
  lastUserMessage: string;
  /** Every message after the system prompt, in order (for answers that read what others said); absent: none. */
  messages?: readonly SimMessage[];
}

// Earliest match wins, so "You are the Critic; the coder will…" is a critic.
const ROLE_PATTERN = new RegExp(`\\b(${SIM_ROLES.join('|')})`, 'i');

/** Reads role, task and turn counts from the messages of a request. */
export function readConversation(messages: readonly SimMessage[]): Conversation {
  const system = messages.find((m) => m.role === 'system' || m.role === 'developer');
  const users = messages.filter((m) => m.role === 'user');
  const match = system ? ROLE_PATTERN.exec(system.content) : null;
  return {
    role: match?.[1] ? (match[1].toLowerCase() as SimRole) : undefined,
    // Teams label the task ("Task:\n…"); the label is not part of what was asked.
    task: (users[0]?.content ?? '').replace(/^\s*task:\s*/i, ''),
    earlierAnswers: messages.filter((m) => m.role === 'assistant').length,
    contributions: Math.max(0, users.length - 1),
    lastUserMessage: users.at(-1)?.content ?? '',
    messages: messages.filter((m) => m !== system),
  };
}
