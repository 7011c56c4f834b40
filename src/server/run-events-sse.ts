import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { StoredRunEvent } from '../core/index.js';
import { AgentMeshError, isAgentMeshError } from '../errors/index.js';
import type { LiveRunEvent, RunService } from '../runtime/run-service.js';
import type { RunStore } from '../store/run-store.js';
import type { TextDeltaData } from './api-types.js';
import { fieldError } from './read-json-body.js';

/** Options for {@link runEventsSse}. */
export interface RunEventsSseOptions {
  store: RunStore;
  runs: RunService;
  /** How often a run executed by another process is read from the store. @default 500 */
  pollMs?: number;
  /** How often a comment line keeps an idle stream open through proxies. @default 15000 */
  heartbeatMs?: number;
}

/**
 * `GET /api/runs/:id/events`: the run's stored events (`event: run-event`, `id: <seq>`) after
 * `Last-Event-ID` or `?after=`, then live ones and text deltas, then `event: end` after `run.finished`.
 * Live events come from the run service when this process executes the run, else from the store every
 * `pollMs`; both feed one ordered writer that drops seqs already sent and fills any gap from the store,
 * so a client sees each stored event once, in order.
 */
export async function runEventsSse(c: Context, options: RunEventsSseOptions): Promise<Response> {
  const { store, runs, pollMs = 500, heartbeatMs = 15_000 } = options;
  const runId = c.req.param('id') ?? '';
  const after = resumePoint(c);
  if ((await store.getRun(runId)) === undefined) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId} in the run store; GET /api/runs lists the stored runs.`,
      context: { runId },
    });
  }
  return streamSSE(c, async (stream) => {
    const follower = new RunFollower(stream, store, runId, after);
    // Subscribed before the backlog is read, so no event falls between the two.
    const unsubscribe = runs.subscribe(runId, (event) => follower.live(event));
    follower.catchUp();
    const heartbeat = setInterval(() => follower.comment('keep-alive'), heartbeatMs);
    const poll = setInterval(() => {
      if (!runs.isExecuting(runId)) follower.catchUp();
    }, pollMs);
    stream.onAbort(() => follower.stop());
    c.req.raw.signal.addEventListener('abort', () => follower.stop());
    try {
      await follower.stopped;
    } finally {
      clearInterval(heartbeat);
      clearInterval(poll);
      unsubscribe();
    }
  });
}

/** The seq to resume after: `Last-Event-ID` (what a browser sends on reconnect), else `?after=`, else 0. */
function resumePoint(c: Context): number {
  const header = c.req.header('last-event-id');
  const [field, value] = header !== undefined ? ['Last-Event-ID', header] : ['after', c.req.query('after')];
  if (value === undefined || value === '') return 0;
  if (!/^\d+$/.test(value.trim())) {
    throw fieldError(field, `${field} must be the seq of the last event received (a whole number ≥ 0).`);
  }
  return Number(value.trim());
}

/** Writes one run's events to one SSE stream, in order, each seq once. */
class RunFollower {
  #lastSeq: number;
  #queue: Promise<void> = Promise.resolve();
  #done = false;
  #resolveStopped: () => void = () => {};
  /** Settles once the stream has ended (run finished, client gone, or an error). */
  readonly stopped = new Promise<void>((resolve) => {
    this.#resolveStopped = resolve;
  });

  constructor(
    private readonly stream: SSEStreamingApi,
    private readonly store: RunStore,
    private readonly runId: string,
    after: number,
  ) {
    this.#lastSeq = after;
  }

  /** An event of the run service: stored events after the last seq sent (gaps filled), deltas as they come. */
  live(event: LiveRunEvent): void {
    if (event.kind === 'delta') {
      const data: TextDeltaData = { agentId: event.agentId, delta: event.delta };
      this.#enqueue(() => this.stream.writeSSE({ event: 'text-delta', data: JSON.stringify(data) }));
      return;
    }
    const stored = event.event;
    this.#enqueue(async () => {
      if (stored.seq <= this.#lastSeq) return;
      if (stored.seq > this.#lastSeq + 1) await this.#readStore(stored.seq);
      await this.#write(stored, true);
    });
  }

  /** Sends what the store has after the last seq sent; ends the stream when its last event is run.finished. */
  catchUp(): void {
    this.#enqueue(() => this.#readStore(Number.POSITIVE_INFINITY));
  }

  comment(text: string): void {
    this.#enqueue(() => this.stream.write(`: ${text}\n\n`).then(() => undefined));
  }

  stop(): void {
    this.#done = true;
    this.#resolveStopped();
  }

  async #readStore(before: number): Promise<void> {
    const events = await this.store.events(this.runId);
    const last = events.at(-1);
    for (const event of events) {
      if (this.#done) return;
      if (event.seq > this.#lastSeq && event.seq < before) await this.#write(event, event === last);
    }
    // A client that resumed after the final event still gets its end.
    if (before === Number.POSITIVE_INFINITY && last?.type === 'run.finished') await this.#end();
  }

  async #write(event: StoredRunEvent, latest: boolean): Promise<void> {
    await this.stream.writeSSE({ event: 'run-event', id: String(event.seq), data: JSON.stringify(event) });
    this.#lastSeq = event.seq;
    // A finished run may be resumed later (run.resumed follows run.finished): only the latest one ends it.
    if (latest && event.type === 'run.finished') await this.#end();
  }

  async #end(): Promise<void> {
    if (this.#done) return;
    await this.stream.writeSSE({ event: 'end', data: JSON.stringify({ lastSeq: this.#lastSeq }) });
    this.stop();
  }

  #enqueue(task: () => Promise<unknown>): void {
    this.#queue = this.#queue
      .then(async () => {
        if (!this.#done) await task();
      })
      .catch(async (error: unknown) => {
        // The store failed (closed at shutdown): say so on the stream and end it; the client reconnects.
        if (this.#done) return;
        const message = isAgentMeshError(error) ? error.message : 'Internal error reading the run log.';
        await this.stream.writeSSE({ event: 'error', data: JSON.stringify({ message }) }).catch(() => {});
        this.stop();
      });
  }
}
