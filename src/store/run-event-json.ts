import type { RunEvent, StoredRunEvent } from '../core/index.js';

/**
 * Serialises an event for the log. A `seq` already on the event (a replayed StoredRunEvent) is
 * dropped: the store alone assigns positions, and keeping a stale one would contradict it.
 */
export function serializeRunEvent(event: RunEvent): string {
  const { seq: _ignored, ...rest } = event as RunEvent & { seq?: number };
  return JSON.stringify(rest);
}

/** Parses a stored payload back into an event at position `seq` of its run's log. */
export function parseStoredRunEvent(payload: string, seq: number): StoredRunEvent {
  return { ...(JSON.parse(payload) as RunEvent), seq };
}
