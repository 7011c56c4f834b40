/** What one line typed into `agentmesh chat` asks for. */
export type ChatInput =
  | { kind: 'empty' }
  | { kind: 'task'; task: string }
  /** `comment`: an optional note kept with the decision. */
  | { kind: 'approve'; comment: string }
  | { kind: 'reject'; comment: string }
  | { kind: 'debug' }
  | { kind: 'runs' }
  | { kind: 'help' }
  | { kind: 'quit' }
  | { kind: 'unknown'; command: string };

/** The slash commands of `agentmesh chat`, as `/help` lists them. */
export const CHAT_COMMANDS: readonly { usage: string; does: string }[] = [
  { usage: '/approve [note]', does: 'accept the output the run waits on, and continue the run' },
  { usage: '/reject <comment>', does: 'send the output back to its agent with your comment, and continue' },
  { usage: '/debug', does: 'per agent of the current run: calls, tokens, average latency, cost' },
  { usage: '/runs', does: 'the runs of this session with their status' },
  { usage: '/help', does: 'this list' },
  { usage: '/quit', does: 'end the session (so do Ctrl-D, and Ctrl-C at the prompt)' },
];

const NO_ARGUMENT = { debug: 'debug', runs: 'runs', help: 'help', quit: 'quit' } as const;
const ALIASES: Record<string, keyof typeof NO_ARGUMENT> = { exit: 'quit', '?': 'help' };

/**
 * Reads one chat line: a slash command (`/approve`, `/reject why`, `/debug`, …) or else a task for the
 * team. A line of only whitespace is empty; `//text` is a task that begins with a slash.
 */
export function parseChatLine(line: string): ChatInput {
  const text = line.trim();
  if (!text) return { kind: 'empty' };
  if (!text.startsWith('/')) return { kind: 'task', task: text };
  if (text.startsWith('//')) return { kind: 'task', task: text.slice(1) };
  const [, name = '', rest = ''] = /^\/(\S*)\s*([\s\S]*)$/.exec(text) ?? [];
  const command = name.toLowerCase();
  if (command === 'reject') return { kind: 'reject', comment: rest.trim() };
  if (command === 'approve') return { kind: 'approve', comment: rest.trim() };
  const known = NO_ARGUMENT[command as keyof typeof NO_ARGUMENT] ?? ALIASES[command];
  return known ? { kind: known } : { kind: 'unknown', command: `/${name}` };
}

/** The one line answering an unknown slash command: what was typed, and every command there is. */
export function unknownCommandLine(command: string): string {
  const names = CHAT_COMMANDS.map((entry) => entry.usage.split(' ')[0]).join(', ');
  return `unknown command ${command}; commands: ${names} (anything else is a task for the team)`;
}

/** The lines `/help` prints. */
export function helpLines(): string[] {
  const width = Math.max(...CHAT_COMMANDS.map((entry) => entry.usage.length));
  return [
    'Type a task and press Enter: the team works on it while you watch. Ctrl-C cancels a running task.',
    ...CHAT_COMMANDS.map((entry) => `  ${entry.usage.padEnd(width)}  ${entry.does}`),
  ];
}
