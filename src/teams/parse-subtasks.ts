import type { AgentConfig } from '../config/resolved-config.js';

/** One subtask of a manager's plan: who it is for (a capability or worker id, if given) and what to do. */
export interface Subtask {
  tag: string | null;
  text: string;
}

// `1. [code] Implement the parser` (also `1)`, a leading bullet, a bold tag, a colon after the tag).
const SUBTASK_LINE = /^\s*(?:[-*]\s+)?\d+[.)]\s+(?:\*{0,2}\[([^\]\n]+)\]\*{0,2}\s*:?\s*)?(\S.*?)\s*$/;

/**
 * The subtasks of a manager's plan, at most `max`: every numbered line, `<n>. [<tag>] <text>`, in order.
 * A numbered line without a tag is a subtask for the first worker; other lines (a preamble, a note) are
 * ignored, and numbered lines beyond `max` are dropped.
 */
export function parseSubtasks(plan: string, max: number): Subtask[] {
  const subtasks: Subtask[] = [];
  for (const line of plan.split('\n')) {
    const match = SUBTASK_LINE.exec(line);
    if (!match) continue;
    subtasks.push({ tag: match[1]?.trim() || null, text: match[2]! });
    if (subtasks.length === max) break;
  }
  return subtasks;
}

/**
 * The worker a subtask goes to: the one whose id is its tag, else the first whose capabilities include
 * it (both ignoring case), else the first worker.
 */
export function workerFor(
  tag: string | null,
  workers: readonly string[],
  agents: Record<string, AgentConfig>,
): string {
  const wanted = tag?.toLowerCase() ?? null;
  const byId = workers.find((id) => id.toLowerCase() === wanted);
  const byCapability = workers.find((id) =>
    (agents[id]?.capabilities ?? []).some((capability) => capability.toLowerCase() === wanted),
  );
  return byId ?? byCapability ?? workers[0]!;
}
