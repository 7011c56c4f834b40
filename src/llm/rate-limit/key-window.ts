import type { RateLimitConfig } from '../../config/resolved-config.js';

/**
 * Extra length added to every window, so that a provider counting arrivals sees no more than `rpm`
 * requests in any `windowMs` even though the time from our grant to its arrival varies (a new
 * connection's TCP and TLS handshakes, a busy event loop): two calls granted a window apart arrive
 * closer than that by the difference of their delays. That spread is a duration, not a share of the
 * window: 40–60 ms was measured against the in-process simulator (the first calls of a cold process
 * arrive latest), and a new TLS connection to a remote provider costs one or two round trips. So the
 * margin is 10% of the window, at most 250 ms: 250 ms (0.4%) for a one-minute window, 100 ms for a
 * one-second window (which only tests and per-second limits use).
 */
export function safetyMarginMs(windowMs: number): number {
  return Math.min(windowMs * 0.1, 250);
}

/**
 * After a 429 the key's rpm is halved (at least 1), and regains 10% of the configured rpm (at least 1)
 * for every full window without a 429, counted from the end of the Retry-After hold. Additive increase,
 * multiplicative decrease, as in TCP: quick to back off, slow to probe the provider's real limit again.
 */
const RATE_CUT = 0.5;
const RECOVERY_SHARE = 0.1;

/** One start as counted in a key's window; `live` until it slides out. */
export interface WindowEntry {
  at: number;
  tokens: number;
  live: boolean;
}

/**
 * The limit state of one key: a sliding-window log of starts (a fixed window lets 2x the limit through
 * around its boundary; this log gives "never more than `rpm` starts in ANY window of `windowMs`"),
 * the token sum over the same log, calls in flight, a Retry-After hold and a lowered rate after a 429.
 */
export class KeyWindow {
  /** Starts still in the window are `log[head..]`; older slots are dropped in batches. */
  readonly #log: WindowEntry[] = [];
  #head = 0;
  #tokens = 0;
  inFlight = 0;
  #heldUntil = Number.NEGATIVE_INFINITY;
  /** The lowered rpm after a 429, or null at the configured rate. */
  #loweredRpm: number | null = null;
  #recoveredAt = 0;
  /** How many times the rate was cut; a 429 from a call started before the last cut cuts no more. */
  cuts = 0;

  constructor(public limit: RateLimitConfig) {}

  /** Applies the current config, drops starts that slid out and regains rate. */
  refresh(limit: RateLimitConfig, now: number): void {
    this.limit = limit;
    const horizon = now - this.#span();
    const log = this.#log;
    while (this.#head < log.length && log[this.#head]!.at <= horizon) {
      const entry = log[this.#head++]!;
      entry.live = false;
      this.#tokens -= entry.tokens;
    }
    if (this.#head > 64 && this.#head * 2 > log.length) {
      log.splice(0, this.#head);
      this.#head = 0;
    }
    this.#recover(now);
  }

  /** The earliest time a call of `tokens` fits: `now` when it fits now, `Infinity` when only a release helps. */
  earliestStart(tokens: number, now: number): number {
    const { rpm, tpm, maxInFlight } = this.limit;
    if (maxInFlight !== null && this.inFlight >= maxInFlight) return Number.POSITIVE_INFINITY;
    let at = Math.max(now, this.#heldUntil);
    const span = this.#span();
    const log = this.#log;
    const count = log.length - this.#head;
    const allowed = this.#loweredRpm ?? rpm;
    if (allowed !== null && count >= allowed) {
      // Once this start slides out, fewer than `allowed` remain.
      let free = log[this.#head + count - allowed]!.at + span;
      if (this.#loweredRpm !== null) free = Math.min(free, this.#recoveredAt + this.limit.windowMs);
      at = Math.max(at, free);
    }
    if (tpm !== null) {
      // A call larger than the whole tpm goes alone into an empty window rather than wait forever.
      const need = Math.min(tokens, tpm);
      let sum = this.#tokens;
      for (let i = this.#head; sum + need > tpm && i < log.length; i++) {
        sum -= log[i]!.tokens;
        if (sum + need <= tpm) at = Math.max(at, log[i]!.at + span);
      }
    }
    return at;
  }

  /** Counts a start; returns its log entry (null when the key counts no window). */
  record(tokens: number, now: number): WindowEntry | null {
    this.inFlight++;
    if (this.limit.rpm === null && this.limit.tpm === null) return null;
    const entry = { at: now, tokens, live: true };
    this.#log.push(entry);
    this.#tokens += tokens;
    return entry;
  }

  /** Replaces a start's token estimate with what the call really used. */
  correct(entry: WindowEntry, tokens: number): void {
    if (entry.live) this.#tokens += tokens - entry.tokens;
    entry.tokens = tokens;
  }

  /** A 429: hold every start until Retry-After, and cut the rate unless this call predates the last cut. */
  penalise({
    retryAfterMs,
    cutsAtStart,
    now,
  }: {
    retryAfterMs?: number;
    cutsAtStart: number;
    now: number;
  }): void {
    if (retryAfterMs !== undefined && Number.isFinite(retryAfterMs) && retryAfterMs > 0) {
      this.#heldUntil = Math.max(this.#heldUntil, now + retryAfterMs);
    }
    const { rpm } = this.limit;
    if (rpm === null || cutsAtStart !== this.cuts) return;
    this.#recover(now);
    this.#loweredRpm = Math.max(1, Math.floor((this.#loweredRpm ?? rpm) * RATE_CUT));
    this.#recoveredAt = Math.max(now, this.#heldUntil);
    this.cuts++;
  }

  /** The rpm in force now (lowered after a 429), or null without an rpm limit. */
  currentRpm(): number | null {
    return this.#loweredRpm ?? this.limit.rpm;
  }

  #recover(now: number): void {
    const { rpm, windowMs } = this.limit;
    if (this.#loweredRpm === null || rpm === null) {
      this.#loweredRpm = null;
      return;
    }
    const windows = Math.floor((now - this.#recoveredAt) / windowMs);
    if (windows <= 0) return;
    const regained = this.#loweredRpm + windows * Math.max(1, Math.ceil(rpm * RECOVERY_SHARE));
    this.#loweredRpm = regained >= rpm ? null : regained;
    this.#recoveredAt += windows * windowMs;
  }

  #span(): number {
    return this.limit.windowMs + safetyMarginMs(this.limit.windowMs);
  }
}
