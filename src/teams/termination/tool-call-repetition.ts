/** One tool call of an agent, as the run log records it (tool calls arrive with issue 8). */
export interface ToolCallRecord {
  agentId: string;
  tool: string;
  /** The call's arguments as the model sent them: a JSON text. */
  argumentsJson: string;
}

/** The newest call repeats an earlier call of the same agent: same tool, same arguments. */
export interface ToolCallRepeat {
  agentId: string;
  tool: string;
  /** Index of the newest call in the list. */
  index: number;
  /** Index of the earlier identical call. */
  repeatsIndex: number;
}

/**
 * Whether the newest call in `calls` (oldest first) repeats one of the same agent's previous `window`
 * calls with the same tool and the same arguments (compared as canonical JSON, so key order and
 * whitespace do not matter); null when it does not.
 */
export function findRepeatedToolCall(
  calls: readonly ToolCallRecord[],
  window: number,
): ToolCallRepeat | null {
  const index = calls.length - 1;
  const newest = calls[index];
  if (!newest) return null;
  const key = canonicalArguments(newest.argumentsJson);
  let seen = 0;
  for (let earlier = index - 1; earlier >= 0 && seen < window; earlier--) {
    const call = calls[earlier]!;
    if (call.agentId !== newest.agentId) continue;
    seen++;
    if (call.tool === newest.tool && canonicalArguments(call.argumentsJson) === key) {
      return { agentId: newest.agentId, tool: newest.tool, index, repeatsIndex: earlier };
    }
  }
  return null;
}

/** Arguments as JSON with sorted keys and no spacing; text that is not JSON is compared trimmed, as is. */
export function canonicalArguments(argumentsJson: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(argumentsJson)));
  } catch {
    return argumentsJson.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([key, item]) => [key, sortKeys(item)]));
}
