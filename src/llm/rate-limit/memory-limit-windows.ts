import type { RateLimitConfig } from '../../config/resolved-config.js';
import { KeyWindow, type WindowEntry } from './key-window.js';
import type { LimitWindows, StartTicket } from './limit-windows.js';
import type { LimitKey, PermitOutcome } from './rate-limiter.js';

/** What one start holds in one key. */
interface Part {
  id: string;
  window: KeyWindow;
  entry: WindowEntry | null;
  cutsAtStart: number;
}

class Ticket implements StartTicket {
  readonly kind = 'start-ticket';
  constructor(readonly parts: readonly Part[]) {}
}

/** The ticket of a call whose keys have no limits and no hold: nothing to undo. */
const FREE = new Ticket([]);

function unlimited(limit: RateLimitConfig): boolean {
  return limit.rpm === null && limit.tpm === null && limit.maxInFlight === null;
}

/** {@link LimitWindows} in this process: one {@link KeyWindow} per key id, created on first need. */
export class MemoryLimitWindows implements LimitWindows {
  readonly #windows = new Map<string, KeyWindow>();

  tryStart(
    keys: readonly LimitKey[],
    tokens: number,
    now: number,
    refused?: Set<string>,
  ): StartTicket | number {
    let retryAt = now;
    let used = 0;
    for (const key of keys) {
      let window = this.#windows.get(key.id);
      if (window === undefined) {
        if (unlimited(key.limit)) continue;
        window = new KeyWindow(key.limit);
        this.#windows.set(key.id, window);
      }
      used++;
      window.refresh(key.limit, now);
      const at = window.earliestStart(tokens, now);
      if (at > now) {
        refused?.add(key.id);
        retryAt = Math.max(retryAt, at);
      }
    }
    if (retryAt > now) return retryAt;
    if (used === 0) return FREE;
    const parts: Part[] = [];
    for (const key of keys) {
      const window = this.#windows.get(key.id);
      if (window === undefined) continue;
      parts.push({ id: key.id, window, entry: window.record(tokens, now), cutsAtStart: window.cuts });
    }
    return new Ticket(parts);
  }

  finish(
    ticket: StartTicket,
    keys: readonly LimitKey[],
    outcome: PermitOutcome | undefined,
    now: number,
  ): void {
    const { parts } = ticket as Ticket;
    for (const part of parts) {
      part.window.inFlight--;
      const actual = outcome?.actualTokens;
      if (part.entry !== null && actual !== undefined && Number.isFinite(actual) && actual >= 0) {
        part.window.correct(part.entry, actual);
      }
    }
    const rateLimited = outcome?.rateLimited;
    if (rateLimited === undefined) return;
    for (const key of keys) {
      const part = parts.find((p) => p.id === key.id);
      let window = part?.window ?? this.#windows.get(key.id);
      if (window === undefined) {
        // A 429 on a key without limits still holds it until Retry-After.
        window = new KeyWindow(key.limit);
        this.#windows.set(key.id, window);
      }
      window.refresh(key.limit, now);
      window.penalise({
        ...(rateLimited.retryAfterMs === undefined ? {} : { retryAfterMs: rateLimited.retryAfterMs }),
        cutsAtStart: part?.cutsAtStart ?? window.cuts,
        now,
      });
    }
  }

  /** The rpm in force for `id` now (lowered after a 429); undefined for a key never limited. */
  currentRpm(id: string): number | null | undefined {
    return this.#windows.get(id)?.currentRpm();
  }
}
