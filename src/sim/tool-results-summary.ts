import type { SimMessage } from './chat-request.js';

/** Longest first line of a result quoted in the summary. */
const MAX_QUOTED_CHARS = 120;

/** A tool message whose result is marked as an error (`status="error"` in its wrapper). */
export function isErrorResult(content: string): boolean {
  return content.includes('status="error"');
}

/**
 * The opening of a text answer given after tool results: `Tool results used:` then one line per tool
 * message, `- <name>: <first line of the result>` when ok, `- <name> failed` when an error (never its text).
 * Undefined when the conversation has no tool messages.
 */
export function toolResultsSummary(messages: readonly SimMessage[]): string | undefined {
  const results = messages.filter((m) => m.role === 'tool');
  if (results.length === 0) return undefined;
  const names = new Map<string, string>();
  for (const m of messages) for (const call of m.toolCalls ?? []) names.set(call.id, call.name);
  const lines = results.map((m) => {
    const name = (m.toolCallId && names.get(m.toolCallId)) || wrapperName(m.content) || 'tool';
    return isErrorResult(m.content) ? `- ${name} failed` : `- ${name}: ${firstLine(unwrap(m.content))}`;
  });
  return `Tool results used:\n${lines.join('\n')}\n\n`;
}

/** The text inside a `<tool_result …>…</tool_result>` wrapper, or the whole content when there is none. */
function unwrap(content: string): string {
  const open = /<tool_result\b[^>]*>/.exec(content);
  if (!open) return content;
  const inner = content.slice(open.index + open[0].length);
  const close = inner.lastIndexOf('</tool_result>');
  return close === -1 ? inner : inner.slice(0, close);
}

function wrapperName(content: string): string | undefined {
  return /<tool_result\b[^>]*\bname="([^"]*)"/.exec(content)?.[1];
}

function firstLine(text: string): string {
  const line = text.split('\n').find((l) => l.trim() !== '') ?? '';
  const trimmed = line.trim();
  return trimmed === '' ? '(empty)' : trimmed.slice(0, MAX_QUOTED_CHARS);
}
