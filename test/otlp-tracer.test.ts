import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { applyRunEvent, type RunEvent, type RunState, type StoredRunEvent } from '../src/core/index.js';
import { createRunTracer, type RunTracer, traceIdOf } from '../src/telemetry/tracing/run-tracer.js';
import { type OtlpReceiver, startOtlpReceiver } from './fixtures/otlp/otlp-receiver.js';
import { unusedPort } from './support/fixture-server.js';

const execFileAsync = promisify(execFile);
/** The built tracer (npm test builds first), loaded in a fresh process. */
const BUILT_TRACER = resolve(import.meta.dirname, '../dist/telemetry/tracing/run-tracer.js');
const runId = 'run_tracer_unit';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();

/** A short finished run: one step, one LLM call. */
const RUN: RunEvent[] = [
  { type: 'run.started', runId, at: at(0), task: 't', team: 'solo', pattern: 'pipeline', agents: ['coder'] },
  { type: 'step.started', runId, at: at(1), stepId: '000-coder', agentId: 'coder', round: 0 },
  {
    type: 'llm.completed',
    runId,
    at: at(2),
    stepId: '000-coder',
    agentId: 'coder',
    provider: 'sim',
    model: 'sim-model',
    attempt: 1,
    latencyMs: 250,
    usage: { promptTokens: 10, completionTokens: 4, cachedTokens: 0, reasoningTokens: 0, costUsd: 0 },
    finishReason: 'stop',
  },
  { type: 'step.completed', runId, at: at(3), stepId: '000-coder', agentId: 'coder' },
  { type: 'run.finished', runId, at: at(4), status: 'succeeded', stopReason: 'completed', output: 'x' },
];

/** Tells the tracer's listener each event, as a RunRecorder does after storing it. */
function replay(tracer: RunTracer, events: RunEvent[]): void {
  let state: RunState | undefined;
  events.forEach((event, index) => {
    const stored = { ...event, seq: index + 1 } as StoredRunEvent;
    state = applyRunEvent(state, stored);
    tracer.listener(stored, state);
  });
}

let receiver: OtlpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

describe('createRunTracer', () => {
  it('creates nothing without an endpoint, and loads no OpenTelemetry module', async () => {
    expect(createRunTracer(null)).toBeNull();
    // In a fresh process (the built code), as the CLI runs it: count the OpenTelemetry modules loaded.
    const script = (endpoint: string | null) => `
      const { createRunTracer } = await import(${JSON.stringify(BUILT_TRACER)});
      const tracer = createRunTracer(${endpoint === null ? 'null' : `{ endpoint: ${JSON.stringify(endpoint)}, headers: {}, serviceName: 's' }`});
      await tracer?.shutdown();
      const { createRequire } = await import('node:module');
      const cache = createRequire(import.meta.url).cache;
      console.log(Object.keys(cache).filter((path) => path.includes('@opentelemetry')).length);
    `;
    const loaded = async (endpoint: string | null) => {
      const { stdout } = await execFileAsync(process.execPath, [
        '--input-type=module',
        '-e',
        script(endpoint),
      ]);
      return Number(stdout.trim());
    };
    expect(await loaded(null)).toBe(0);
    receiver = await startOtlpReceiver();
    expect(await loaded(receiver.endpoint)).toBeGreaterThan(0);
  });

  it('exports the spans of a run over OTLP/HTTP with the configured headers and service name', async () => {
    receiver = await startOtlpReceiver();
    const warnings: string[] = [];
    const tracer = createRunTracer(
      {
        endpoint: receiver.endpoint,
        headers: { authorization: 'Bearer otlp-token-123' },
        serviceName: 'mesh-a',
      },
      { warn: (message) => warnings.push(message) },
    )!;
    replay(tracer, RUN);
    await tracer.shutdown();

    expect(warnings).toEqual([]);
    expect(receiver.requests.map((headers) => headers.authorization)).toEqual(['Bearer otlp-token-123']);
    expect(receiver.spans.map((span) => span.name).sort()).toEqual([
      'chat sim-model',
      'run solo',
      'step coder',
    ]);
    for (const span of receiver.spans) {
      expect(span.traceId).toBe(traceIdOf(runId));
      expect(span.resource['service.name']).toBe('mesh-a');
      expect(span.scope).toBe('agentmesh');
    }
    const chat = receiver.spans.find((span) => span.name === 'chat sim-model')!;
    expect(chat).toMatchObject({ kind: 3, startMs: T0 + 2000 - 250, endMs: T0 + 2000 });
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(10);
    expect(tracer.counts()).toEqual({ exportedSpans: 3, failedSpans: 0, failedExports: 0 });
  });

  it('with the collector down, the run goes on: shutdown resolves, failures are counted and told once', async () => {
    const endpoint = `http://user:pw@127.0.0.1:${await unusedPort()}/v1/traces?token=abc`;
    const warnings: string[] = [];
    const tracer = createRunTracer(
      { endpoint, headers: { 'x-api-key': 'otlp-secret-999' }, serviceName: 'agentmesh' },
      { warn: (message) => warnings.push(message), timeoutMs: 200 },
    )!;
    expect(() => replay(tracer, RUN)).not.toThrow();
    replay(tracer, RUN.map((event) => ({ ...event, runId: 'run_other' })) as RunEvent[]);
    await tracer.shutdown();
    await tracer.shutdown();

    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(
      /^traces could not be sent to http:\/\/127\.0\.0\.1:\d+\/v1\/traces \(ECONNREFUSED\)/,
    );
    expect(warnings[0]).toContain('telemetry.otlp.endpoint');
    for (const secret of ['otlp-secret-999', 'pw', 'token=abc']) expect(warnings[0]).not.toContain(secret);
    expect(tracer.counts()).toMatchObject({ exportedSpans: 0, failedSpans: 6 });
  });

  it('a collector that refuses the export (HTTP 400) is told once with the status', async () => {
    receiver = await startOtlpReceiver();
    receiver.answer(400);
    const warnings: string[] = [];
    const tracer = createRunTracer(
      { endpoint: receiver.endpoint, headers: {}, serviceName: 'agentmesh' },
      { warn: (message) => warnings.push(message) },
    )!;
    replay(tracer, RUN);
    await tracer.shutdown();
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('(HTTP 400)');
    expect(tracer.counts()).toEqual({ exportedSpans: 0, failedSpans: 3, failedExports: 1 });
  });

  it('ignores events after shutdown', async () => {
    receiver = await startOtlpReceiver();
    const tracer = createRunTracer({ endpoint: receiver.endpoint, headers: {}, serviceName: 'agentmesh' })!;
    await tracer.shutdown();
    replay(tracer, RUN);
    expect(tracer.counts().exportedSpans).toBe(0);
    expect(receiver.spans).toEqual([]);
  });
});
