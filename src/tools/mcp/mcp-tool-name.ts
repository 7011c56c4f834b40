import { createHash } from 'node:crypto';

/** Longest tool name every provider accepts (`TOOL_NAME_PATTERN`). */
const MAX_NAME_LENGTH = 64;
/** Characters of the hash that keeps a shortened or rewritten name unique. */
const HASH_LENGTH = 8;

/**
 * The name an MCP tool is offered under: `<server>__<tool>`, with characters providers refuse replaced
 * by `_`. A name that had to be cut to 64 characters, or that collides with one already `taken`,
 * ends in `_<hash>` of the original instead, so two tools never share a name.
 */
export function mcpToolName(serverId: string, toolName: string, taken: ReadonlySet<string>): string {
  const original = `${serverId}__${toolName}`;
  const sanitized = original.replace(/[^a-zA-Z0-9_-]/g, '_');
  if (sanitized.length <= MAX_NAME_LENGTH && !taken.has(sanitized)) return sanitized;
  const hash = createHash('sha256').update(original).digest('hex').slice(0, HASH_LENGTH);
  return `${sanitized.slice(0, MAX_NAME_LENGTH - HASH_LENGTH - 1)}_${hash}`;
}
