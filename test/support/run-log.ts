import { existsSync } from 'node:fs';
import { foldRun, type RunState, type StoredRunEvent } from '../../src/core/index.js';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';

/** A run as its SQLite file holds it. */
export interface StoredRun {
  runId: string;
  events: StoredRunEvent[];
  state: RunState;
}

/** Reads the only run of a run-store file (a test gives every run its own file), or undefined when there is none yet. */
export async function readOnlyRun(dbPath: string): Promise<StoredRun | undefined> {
  if (!existsSync(dbPath)) return undefined;
  const store = SqliteRunStore.open({ path: dbPath });
  try {
    const runs = await store.listRuns();
    if (runs.length > 1) throw new Error(`${dbPath} holds ${runs.length} runs; expected at most one`);
    const runId = runs[0]?.runId;
    if (runId === undefined) return undefined;
    const events = await store.events(runId);
    return { runId, events, state: foldRun(events) };
  } finally {
    await store.close();
  }
}

/** The transcript as the test compares it: speakers and message contents, in transcript order. */
export function transcriptOf(state: RunState): { agentId: string; content: string }[] {
  return state.transcript.map(({ agentId, content }) => ({ agentId, content }));
}

/** How many `step.completed` events each step has in the log. */
export function completionsPerStep(events: readonly StoredRunEvent[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.type === 'step.completed') counts.set(event.stepId, (counts.get(event.stepId) ?? 0) + 1);
  }
  return counts;
}
