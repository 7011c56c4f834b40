import type { StoredRunEvent } from '../../src/core/index.js';
import type { SimRequestRecord } from '../../src/sim/simulator.js';

/** The most chat requests the simulator had in flight at once (each record counts those in flight at its arrival). */
export function maxInFlight(records: readonly SimRequestRecord[]): number {
  return records.reduce((max, record) => Math.max(max, record.inFlight), 0);
}

/**
 * The body hashes of the calls whose answers a run log holds: each `llm.completed` matched to the
 * simulator's record by its request id (the `x-request-id` the simulator sent, logged as `responseId`).
 * Throws when an answer in the log has no record, since then the check would prove nothing.
 */
export function completedCallHashes(
  events: readonly StoredRunEvent[],
  records: readonly SimRequestRecord[],
): Set<string> {
  const byResponseId = new Map(records.map((record) => [record.responseId, record]));
  const hashes = new Set<string>();
  for (const event of events) {
    if (event.type !== 'llm.completed' || event.cached) continue;
    const record = event.requestId === undefined ? undefined : byResponseId.get(event.requestId);
    if (!record?.bodyHash) {
      throw new Error(
        `llm.completed of step ${event.stepId} (request ${event.requestId}) is not in the simulator's log`,
      );
    }
    hashes.add(record.bodyHash);
  }
  return hashes;
}

/** Body hashes sent more than once, with their counts. */
export function repeatedHashes(records: readonly SimRequestRecord[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const record of records) {
    if (record.bodyHash) counts.set(record.bodyHash, (counts.get(record.bodyHash) ?? 0) + 1);
  }
  return new Map([...counts].filter(([, count]) => count > 1));
}

/** Resolves once the simulator has received `count` chat requests in all (polled every 2 ms), or the process is gone. */
export async function untilRequests(
  received: () => number,
  count: number,
  stop: () => boolean,
): Promise<void> {
  while (received() < count && !stop()) await new Promise((resolve) => setTimeout(resolve, 2));
}
