import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import type { StoredRunEvent } from '../src/core/index.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import type { RunDetailResponse, RunStartedResponse, TextDeltaData } from '../src/server/api-types.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { type ApiServer, startApiServer } from './support/api-server.js';
import { DUO_AND_GATED_YAML } from './support/server-yaml.js';
import { type SseMessage, SseReader } from './support/sse-client.js';

const YAML = DUO_AND_GATED_YAML;

const isRunEvent = (message: SseMessage) => message.event === 'run-event';
const seqsOf = (messages: SseMessage[]) => messages.filter(isRunEvent).map((message) => Number(message.id));
const eventOf = (message: SseMessage) => JSON.parse(message.data) as StoredRunEvent;
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('run events over Server-Sent Events', () => {
  let server: ApiServer;

  beforeAll(async () => {
    server = await startApiServer({ yaml: YAML });
  });
  afterAll(async () => {
    await server?.close();
  });
  beforeEach(() => {
    server.sim.configure({ latencyMs: 0 });
  });

  const post = async <T>(path: string, body?: unknown): Promise<T> => {
    const response = await server.request(path, { method: 'POST', ...(body !== undefined && { body }) });
    expect(response.status).toBeLessThan(300);
    return (await response.json()) as T;
  };
  const start = (team: string) =>
    post<RunStartedResponse>('/api/runs', { task: 'Write a slugify function', team });
  const open = (runId: string, query = '', headers: Record<string, string> = {}) =>
    SseReader.open(`${server.url}/api/runs/${runId}/events${query}`, headers);
  const settled = async (runId: string, status: string): Promise<void> => {
    for (;;) {
      const response = await server.request(`/api/runs/${runId}`);
      const detail = (await response.json()) as RunDetailResponse;
      if (detail.summary.status === status && !detail.executingHere) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const storedSeqs = async (runId: string) =>
    (await server.parts.store.events(runId)).map((event) => event.seq);

  it('streams a run live: the backlog, text deltas while an agent writes, decisions, then end', async () => {
    const { runId } = await start('gated');
    await settled(runId, 'awaiting_approval');
    const sse = await open(runId);
    // The backlog up to the pause, then the stream stays open while the run waits.
    const paused = await sse.until(
      (message) => isRunEvent(message) && eventOf(message).type === 'run.paused',
    );
    expect(paused).not.toBeNull();
    expect(seqsOf(sse.received)).toEqual(await storedSeqs(runId));

    // Rejected: the coder writes again here, token by token.
    await post(`/api/runs/${runId}/reject`, { comment: 'Shorter, please.' });
    await sse.until((message) => isRunEvent(message) && eventOf(message).type === 'run.paused');
    const deltas = sse.received
      .filter((message) => message.event === 'text-delta')
      .map((message) => JSON.parse(message.data) as TextDeltaData);
    expect(deltas.length).toBeGreaterThan(0);
    expect(deltas.every((delta) => delta.agentId === 'coder' && typeof delta.delta === 'string')).toBe(true);
    expect(
      sse.received.filter((message) => message.event === 'text-delta').every((m) => m.id === undefined),
    ).toBe(true);

    await post(`/api/runs/${runId}/approve`);
    expect(await sse.toEnd()).toBe(true);
    const runEvents = sse.received.filter(isRunEvent);
    expect(eventOf(runEvents.at(-1)!).type).toBe('run.finished');
    expect(sse.received.at(-1)?.event).toBe('end');
    // Every stored event once, in order: nothing lost between backlog and live, nothing twice.
    expect(seqsOf(sse.received)).toEqual(await storedSeqs(runId));
    expect(runEvents.map((message) => eventOf(message).seq)).toEqual(seqsOf(sse.received));
  });

  it('resumes after Last-Event-ID on reconnect with no gap and no duplicate', async () => {
    server.sim.configure({ latencyMs: 150 });
    const { runId } = await start('duo');
    const first = await open(runId);
    await first.until((message) => isRunEvent(message) && Number(message.id) >= 2);
    first.close();
    const lastId = seqsOf(first.received).at(-1)!;
    const second = await open(runId, '', { 'Last-Event-ID': String(lastId) });
    expect(await second.toEnd()).toBe(true);
    const seqs = [...seqsOf(first.received), ...seqsOf(second.received)];
    const stored = await storedSeqs(runId);
    expect(seqs).toEqual(stored);
    expect(seqsOf(second.received)[0]).toBe(lastId + 1);
    expect(second.received.at(-1)?.event).toBe('end');
  });

  it('sends a finished run after ?after= (nothing when the client has it all), then end', async () => {
    const { runId } = await start('duo');
    await settled(runId, 'succeeded');
    const stored = await storedSeqs(runId);
    const last = stored.at(-1)!;
    const tail = await open(runId, `?after=${last - 2}`);
    expect(await tail.toEnd()).toBe(true);
    expect(seqsOf(tail.received)).toEqual([last - 1, last]);
    expect(tail.received.map((message) => message.event)).toEqual(['run-event', 'run-event', 'end']);
    const none = await open(runId, `?after=${last}`);
    await none.toEnd();
    expect(none.received.map((message) => message.event)).toEqual(['end']);
    const whole = await open(runId);
    await whole.toEnd();
    expect(seqsOf(whole.received)).toEqual(stored);
  });

  it('refuses a bad resume point (400 naming it) and an unknown run (404)', async () => {
    const { runId } = await start('duo');
    await settled(runId, 'succeeded');
    const answer = async (query: string, headers: Record<string, string> = {}) => {
      const response = await server.request(`/api/runs/${runId}/events${query}`, { headers });
      return { status: response.status, ...((await response.json()) as { error: object }).error };
    };
    expect(await answer('?after=abc')).toMatchObject({ status: 400, code: 'usage', field: 'after' });
    expect(await answer('', { 'Last-Event-ID': '-1' })).toMatchObject({
      status: 400,
      field: 'Last-Event-ID',
    });
    const unknown = await server.request('/api/runs/run_nope/events');
    expect(unknown.status).toBe(404);
  });

  it('follows a run another process executes on the same database by reading the store', async () => {
    // A CLI-like process: its own store connection and gateway on the server's database.
    const file = await loadConfigFile({ cwd: server.dir, env: {} });
    const config = resolveConfig({
      file,
      env: {},
      cwd: server.dir,
      overrides: { baseUrl: server.sim.url, model: 'sim-model', noCache: true, db: server.dbPath },
    });
    const store = SqliteRunStore.open({ path: server.dbPath });
    const gateway = await openGateway(config, { warn: () => undefined });
    try {
      server.sim.configure({ latencyMs: 150 });
      let announce: (runId: string) => void = () => {};
      const started = new Promise<string>((resolve) => {
        announce = resolve;
      });
      const run = runTask({
        config,
        task: 'Write a slugify function',
        team: 'duo',
        store,
        gateway: gateway.gateway,
        signal: new AbortController().signal,
        listeners: [(event) => event.type === 'run.started' && announce(event.runId)],
      });
      const runId = await started;
      expect(server.parts.runs.isExecuting(runId)).toBe(false);
      const sse = await open(runId);
      expect(await sse.toEnd()).toBe(true);
      const result = await run;
      expect(result.state.status).toBe('succeeded');
      const stored = (await store.events(runId)).map((event) => event.seq);
      expect(stored).toEqual(range(1, stored.length));
      expect(seqsOf(sse.received)).toEqual(stored);
      expect(eventOf(sse.received.filter(isRunEvent).at(-1)!).type).toBe('run.finished');
      expect(sse.received.at(-1)?.event).toBe('end');
    } finally {
      await gateway.close();
      await store.close();
    }
  });
});
