/**
 * Rate-limiter accuracy at 5x load: a real in-process limiter (real clock, real timers) at 30 requests
 * per 3 s window is offered 150 requests per window for 9 s. Reports the most starts seen in any 3 s
 * window (at grant, and at a simulated provider that receives each call 0–20 ms later) against the
 * limit (target <= 1.0), and the achieved rate against the configured one. Also the cost of one
 * acquire + release on the fast path (a key without limits) and on a limited key with room.
 */
import { setMaxListeners } from 'node:events';
import { createRateLimiter } from '../src/llm/rate-limit/create-rate-limiter.js';
import type { LimitKey } from '../src/llm/rate-limit/rate-limiter.js';
import { median } from './support.js';

const RPM = 30;
const WINDOW_MS = 3_000;
const LOAD = 5;
const RUN_MS = Number(process.env.BENCH_LIMITER_MS ?? 9_000);
const JITTER_MS = 20;
const OVERHEAD_CALLS = 20_000;
const OVERHEAD_ROUNDS = 7;

/** The most values in any window [t, t + windowMs), over windows starting at a value. */
function maxInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let end = 0;
  for (let start = 0; start < sorted.length; start++) {
    while (end < sorted.length && sorted[end]! < sorted[start]! + windowMs) end++;
    max = Math.max(max, end - start);
  }
  return max;
}

/** Offers LOAD x the limit for RUN_MS and records every grant time. */
async function offerLoad(): Promise<{
  starts: number[];
  arrivals: number[];
  offered: number;
  rejected: number;
}> {
  const limiter = createRateLimiter({ queue: { maxWaiting: 100_000, timeoutMs: RUN_MS * 2 } });
  const key: LimitKey = {
    id: 'provider:bench:k1',
    limit: { rpm: RPM, tpm: null, windowMs: WINDOW_MS, maxInFlight: null },
  };
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // every queued call listens on this one signal
  const starts: number[] = [];
  const arrivals: number[] = [];
  const calls: Promise<void>[] = [];
  const gapMs = WINDOW_MS / (RPM * LOAD);
  const t0 = performance.now();
  let offered = 0;
  let rejected = 0;
  for (let i = 0; i * gapMs < RUN_MS; i++) {
    const due = t0 + i * gapMs;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    offered++;
    calls.push(
      limiter.acquire({ keys: [key], tokens: 0, signal: stop.signal }).then(
        (permit) => {
          const at = performance.now() - t0;
          starts.push(at);
          arrivals.push(at + Math.random() * JITTER_MS);
          setTimeout(() => permit.release({ actualTokens: 0 }), 20 + Math.random() * 60);
        },
        () => void rejected++, // still queued when the run ends
      ),
    );
  }
  const rest = t0 + RUN_MS - performance.now();
  if (rest > 0) await new Promise((resolve) => setTimeout(resolve, rest));
  stop.abort();
  await Promise.all(calls);
  return { starts: starts.filter((t) => t < RUN_MS), arrivals, offered, rejected };
}

/** Median over rounds of the mean microseconds per acquire + release with no waiting. */
async function overheadUs(limit: LimitKey['limit']): Promise<number> {
  const limiter = createRateLimiter({ queue: { maxWaiting: 10, timeoutMs: 1_000 } });
  const keys: LimitKey[] = [{ id: 'provider:bench:fast', limit }];
  const rounds: number[] = [];
  for (let round = 0; round < OVERHEAD_ROUNDS; round++) {
    const start = performance.now();
    for (let i = 0; i < OVERHEAD_CALLS; i++) {
      (await limiter.acquire({ keys, tokens: 100 })).release({ actualTokens: 50 });
    }
    rounds.push(((performance.now() - start) * 1_000) / OVERHEAD_CALLS);
  }
  return median(rounds.slice(1)); // the first round warms the JIT up
}

/** Runs the benchmark and returns its report lines. */
export async function limiterAccuracy(): Promise<{ name: string; lines: string[] }> {
  const { starts, arrivals, offered, rejected } = await offerLoad();
  const atGrant = maxInAnyWindow(starts, WINDOW_MS);
  const atProvider = maxInAnyWindow(arrivals, WINDOW_MS);
  const configuredPerSec = (RPM * 1_000) / WINDOW_MS;
  const achievedPerSec = (starts.length * 1_000) / RUN_MS;
  // Saturated, the limiter repeats the same `RPM` grants every period; the safety margin makes the
  // period longer than the window. Measured between the first grants of the 2nd and 3rd periods.
  const sorted = [...starts].sort((a, b) => a - b);
  const periodMs = sorted.length > 2 * RPM ? sorted[2 * RPM]! - sorted[RPM]! : Number.NaN;
  const steadyPerSec = (RPM * 1_000) / periodMs;
  const free = await overheadUs({ rpm: null, tpm: null, windowMs: 60_000, maxInFlight: null });
  // A limit far above what the loop can reach, so every call has room: the cost of the bookkeeping.
  const limited = await overheadUs({
    rpm: 10_000_000,
    tpm: 10_000_000_000,
    windowMs: 1_000,
    maxInFlight: 1_000,
  });
  return {
    name: 'limiter accuracy',
    lines: [
      `limiter accuracy: ${RPM} requests per ${WINDOW_MS / 1000} s window, offered ${LOAD}x (${offered} calls in ${RUN_MS / 1000} s, ${rejected} still queued at the end)`,
      `  max starts in any window    ${atGrant} / ${RPM} = ${(atGrant / RPM).toFixed(2)}  (target <= 1.00)`,
      `  same, at the provider       ${atProvider} / ${RPM} = ${(atProvider / RPM).toFixed(2)}  (each call arrives 0–${JITTER_MS} ms after its grant)`,
      `  throughput over the run     ${achievedPerSec.toFixed(2)} / ${configuredPerSec.toFixed(2)} per s = ${(achievedPerSec / configuredPerSec).toFixed(2)} of the configured rate`,
      `  steady throughput           ${steadyPerSec.toFixed(2)} / ${configuredPerSec.toFixed(2)} per s = ${(steadyPerSec / configuredPerSec).toFixed(2)}  (${RPM} grants every ${periodMs.toFixed(0)} ms: window + safety margin)`,
      `  acquire + release, no limits        ${free.toFixed(2)} µs per call`,
      `  acquire + release, limited key      ${limited.toFixed(2)} µs per call (rpm, tpm, maxInFlight, with room)`,
    ],
  };
}
