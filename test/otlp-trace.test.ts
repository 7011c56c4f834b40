import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import type { LlmCallRecord } from '../src/store/run-store.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { createRunTracer, traceIdOf } from '../src/telemetry/tracing/run-tracer.js';
import { type OtlpReceiver, type ReceivedSpan, startOtlpReceiver } from './fixtures/otlp/otlp-receiver.js';
import { cleanEnv, runCli, tempDir } from './support/cli.js';

const NOTES = 'Meeting notes: ship the parser on Friday.\n';
const OTLP_TOKEN = 'otlp-header-token-5f1c';

/** A planner, then a coder with file tools (write_file needs approval when `gated`), tracing to `endpoint`. */
function configYaml(endpoint: string | null, { gated = false } = {}): string {
  return [
    'agents:',
    '  coder: { tools: [read_file, write_file] }',
    'teams:',
    '  duo: { pattern: pipeline, agents: [planner, coder] }',
    'defaults: { team: duo }',
    'tools:',
    '  workspace: ws',
    ...(gated ? ['  approval: [write_file]'] : []),
    ...(endpoint === null
      ? []
      : [
          'telemetry:',
          '  otlp:',
          `    endpoint: ${endpoint}`,
          `    headers: { x-otlp-token: ${OTLP_TOKEN} }`,
          '    serviceName: agentmesh-test',
        ]),
    '',
  ].join('\n');
}

let sim: RunningSimulator;
let receiver: OtlpReceiver;
let dir: Awaited<ReturnType<typeof tempDir>>;
const cli = (args: string[], env = cleanEnv()) =>
  runCli([...args, '--base-url', sim.url, '--model', 'sim-model', '--no-cache'], { cwd: dir.path, env });
const agentmeshLines = (stderr: string) =>
  stderr.split('\n').filter((line) => line.startsWith('agentmesh: '));

async function llmCalls(runId: string): Promise<LlmCallRecord[]> {
  const store = SqliteRunStore.open({ path: join(dir.path, '.agentmesh', 'agentmesh.db') });
  try {
    return await store.llmCalls(runId);
  } finally {
    await store.close();
  }
}

/** The spans received, by name; each name must have been received `count` times. */
function named(spans: ReceivedSpan[], name: string, count = 1): ReceivedSpan[] {
  const found = spans.filter((span) => span.name === name);
  expect(
    found.map((span) => span.name),
    `spans named ${name}`,
  ).toEqual(Array(count).fill(name));
  return found;
}

beforeAll(async () => {
  sim = await startSimulator();
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await sim?.close();
});
beforeEach(async () => {
  dir = await tempDir();
  await mkdir(join(dir.path, 'ws'));
  await writeFile(join(dir.path, 'ws', 'a.txt'), NOTES);
  receiver.spans.length = 0;
  receiver.requests.length = 0;
  receiver.answer(200);
});
afterEach(() => dir?.remove());

describe('OTLP traces of a run through the CLI', () => {
  it('sends the span tree run → steps → chat and tool spans, with GenAI attributes matching the store', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(receiver.endpoint));
    const result = await cli(['run', 'Summarise the notes [[tool read_file {"path":"a.txt"}]]', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(agentmeshLines(result.stderr)).toEqual([]);
    const { runId, status } = JSON.parse(result.stdout);
    expect(status).toBe('succeeded');
    const spans = receiver.spans;
    const traceId = traceIdOf(runId);

    // One trace, sent with the configured header, under the configured service name.
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));
    expect(receiver.requests.every((headers) => headers['x-otlp-token'] === OTLP_TOKEN)).toBe(true);
    expect(new Set(spans.map((span) => span.resource['service.name']))).toEqual(new Set(['agentmesh-test']));
    // Every parent is in the trace; only the root has none.
    const ids = new Set(spans.map((span) => span.spanId));
    expect(ids.size).toBe(spans.length);
    expect(spans.filter((span) => span.parentSpanId !== '' && !ids.has(span.parentSpanId))).toEqual([]);

    const [run] = named(spans, 'run duo');
    expect(run!.parentSpanId).toBe('');
    expect(run!.attributes).toMatchObject({
      'agentmesh.run_id': runId,
      'agentmesh.team': 'duo',
      'agentmesh.run.status': 'succeeded',
    });
    const [planner] = named(spans, 'step planner');
    const [coder] = named(spans, 'step coder');
    for (const step of [planner!, coder!]) {
      expect(step.parentSpanId).toBe(run!.spanId);
      expect(step.startMs).toBeGreaterThanOrEqual(run!.startMs);
      expect(step.endMs).toBeLessThanOrEqual(run!.endMs);
    }
    expect(planner!.attributes['agentmesh.agent']).toBe('planner');

    // One chat span per LLM call in the store, under its step, with the store's tokens.
    const calls = await llmCalls(runId);
    const chats = named(spans, 'chat sim-model', calls.length);
    const stepSpan = { planner: planner!, coder: coder! } as Record<string, ReceivedSpan>;
    const byStart = (a: { startMs: number }, b: { startMs: number }) => a.startMs - b.startMs;
    const expected = calls.map((call) => ({
      parent: stepSpan[call.agentId]!.spanId,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.provider.name': call.provider,
        'gen_ai.request.model': call.model,
        'gen_ai.usage.input_tokens': call.promptTokens,
        'gen_ai.usage.output_tokens': call.completionTokens,
        'gen_ai.usage.cache_read.input_tokens': call.cachedTokens,
        'agentmesh.agent': call.agentId,
        'agentmesh.team': 'duo',
        'agentmesh.cache_hit': false,
        'agentmesh.cost_usd': call.costUsd,
      },
      endMs: Date.parse(call.at),
      startMs: Date.parse(call.at) - call.latencyMs,
    }));
    expect(
      [...chats].sort(byStart).map((chat) => ({
        parent: chat.parentSpanId,
        attributes: chat.attributes,
        endMs: chat.endMs,
        startMs: chat.startMs,
      })),
    ).toMatchObject([...expected].sort(byStart));
    expect(chats.every((chat) => chat.kind === 3)).toBe(true);
    expect(chats.every((chat) => Array.isArray(chat.attributes['gen_ai.response.finish_reasons']))).toBe(
      true,
    );
    // The coder asked for the tool, then answered: two calls in its step.
    expect(calls.filter((call) => call.agentId === 'coder')).toHaveLength(2);

    const [tool] = named(spans, 'execute_tool read_file');
    expect(tool!.parentSpanId).toBe(coder!.spanId);
    expect(tool!.attributes).toMatchObject({
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': 'read_file',
      'agentmesh.agent': 'coder',
    });
    expect(String(tool!.attributes['gen_ai.tool.call.id'])).not.toBe('');

    // No task text, file contents or header secret went out.
    const sent = JSON.stringify(spans);
    for (const text of ['Summarise the notes', 'Meeting notes', OTLP_TOKEN]) expect(sent).not.toContain(text);

    // runs show names the trace.
    const shown = await runCli(['runs', 'show', runId], { cwd: dir.path });
    expect(shown.stdout).toContain(`trace: ${traceId}`);
    const json = JSON.parse((await runCli(['runs', 'show', runId, '--json'], { cwd: dir.path })).stdout);
    expect(json.traceId).toBe(traceId);
  });

  it('continues the trace when the run is approved and resumed by another process', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(receiver.endpoint, { gated: true }));
    const paused = await cli([
      'run',
      'Write it [[tool write_file {"path":"out.txt","content":"hi"}]]',
      '--json',
    ]);
    expect(paused.code, paused.stderr).toBe(0);
    const { runId, status } = JSON.parse(paused.stdout);
    expect(status).toBe('awaiting_approval');
    const firstProcess = [...receiver.spans];
    const [run] = named(firstProcess, 'run duo');
    expect(run!.attributes['agentmesh.run.status']).toBe('awaiting_approval');
    // The coder's step is held for the call's approval: its span ends at the pause.
    const [held] = named(firstProcess, 'step coder');
    expect(held!.attributes['agentmesh.outcome']).toBe('paused');
    receiver.spans.length = 0;

    const approved = await cli(['approve', runId, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(JSON.parse(approved.stdout).status).toBe('succeeded');
    const secondProcess = receiver.spans;
    expect(new Set(secondProcess.map((span) => span.traceId))).toEqual(new Set([traceIdOf(runId)]));
    expect(secondProcess.filter((span) => span.name === 'run duo')).toEqual([]);

    const [approval] = named(secondProcess, 'approval');
    expect(approval!.parentSpanId).toBe(held!.spanId);
    expect(approval!.attributes['agentmesh.approval.decision']).toBe('approved');
    const [resume] = named(secondProcess, 'run.resume');
    expect(resume!.parentSpanId).toBe(run!.spanId);
    expect(resume!.attributes['agentmesh.run.status']).toBe('succeeded');
    // The step runs again as attempt 2 under the resumption; the approved call runs there.
    const [rerun] = named(secondProcess, 'step coder');
    expect(rerun!.parentSpanId).toBe(resume!.spanId);
    expect(rerun!.spanId).not.toBe(held!.spanId);
    expect(rerun!.attributes['agentmesh.attempt']).toBe(2);
    const [tool] = named(secondProcess, 'execute_tool write_file');
    expect(tool!.parentSpanId).toBe(rerun!.spanId);
  });

  it('without telemetry.otlp no exporter is created, even with the OTEL_* endpoint variables set', async () => {
    expect(createRunTracer(null)).toBeNull();
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(null));
    const env = cleanEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint.replace('/v1/traces', ''),
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: receiver.endpoint,
    });
    const result = await cli(
      ['run', 'Summarise the notes [[tool read_file {"path":"a.txt"}]]', '--json'],
      env,
    );
    expect(result.code, result.stderr).toBe(0);
    expect(receiver.requests).toEqual([]);
    const { runId } = JSON.parse(result.stdout);
    // The trace id is derived, so runs show has it with tracing off too.
    const shown = await runCli(['runs', 'show', runId], { cwd: dir.path });
    expect(shown.stdout).toContain(`trace: ${traceIdOf(runId)}`);
  });

  it('a collector that fails every export does not fail the run: one warning, exit 0', async () => {
    receiver.answer(500);
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(receiver.endpoint));
    const result = await cli(['run', 'Summarise the notes [[tool read_file {"path":"a.txt"}]]', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('succeeded');
    expect(receiver.requests.length).toBeGreaterThan(0);
    const warnings = agentmeshLines(result.stderr).filter((line) => line.includes('traces'));
    expect(warnings).toEqual([
      `agentmesh: traces could not be sent to ${receiver.endpoint} (HTTP 500); runs go on without them. Check telemetry.otlp.endpoint and that the collector is up.`,
    ]);
    expect(result.stderr).not.toContain(OTLP_TOKEN);
  });
});
