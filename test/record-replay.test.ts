import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LlmCallRecord } from '../src/store/run-store.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { type CliResult, runCli, type SimProcess, startSimProcess, tempDir } from './support/cli.js';

// Fast retries: the simulator fails 20% of requests, and those failures are part of what is replayed.
const CONFIG = 'limits:\n  retry:\n    maxRetries: 4\n    baseDelayMs: 5\n    maxDelayMs: 20\n';
const TASK = 'Write a function that parses ISO-8601 durations';
const API_KEY = 'sk-record-replay-secret-0042';

/** A loopback URL nothing listens on: any request that tries the network fails at once. */
async function closedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}/v1`;
}

/** Each step's attempts in order (ok, or the HTTP status that failed it): parallel steps interleave freely. */
function attemptsPerStep(calls: readonly LlmCallRecord[]): Record<string, string[]> {
  const steps: Record<string, string[]> = {};
  for (const call of calls) {
    const attempt = call.outcome === 'ok' ? 'ok' : `${call.errorCode}:${call.status}`;
    steps[call.stepId] = [...(steps[call.stepId] ?? []), attempt];
  }
  return steps;
}

describe('--record then --replay through the CLI, with the simulator stopped for the replay', () => {
  let sim: SimProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let offline: string;
  const db = () => join(dir.path, '.agentmesh', 'agentmesh.db');
  const recorded: Record<string, { runId: string; artifactsDir: string }> = {};

  const cli = (args: string[]): Promise<CliResult> => runCli(args, { cwd: dir.path });
  const runOf = (result: CliResult) =>
    JSON.parse(result.stdout) as { runId: string; artifactsDir: string; status: string };

  async function show(runId: string) {
    const result = await cli(['runs', 'show', runId, '--json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as {
      transcript: { stepId: string; agentId: string; content: string }[];
    };
  }

  async function storedCalls(runId: string): Promise<LlmCallRecord[]> {
    const store = SqliteRunStore.open({ path: db() });
    try {
      return await store.llmCalls(runId);
    } finally {
      await store.close();
    }
  }

  async function runCount(): Promise<number> {
    const result = await cli(['runs', 'list', '--json']);
    return (JSON.parse(result.stdout) as unknown[]).length;
  }

  beforeAll(async () => {
    sim = await startSimProcess(['--fail-rate', '0.2', '--seed', '4']);
    dir = await tempDir();
    offline = await closedUrl();
    await writeFile(join(dir.path, 'agentmesh.yaml'), CONFIG);
    // Recorded while the simulator runs; every test below replays with it stopped.
    for (const team of ['pipeline', 'parallel']) {
      const args = ['run', TASK, '--team', team, '--json', '--base-url', sim.url, '--model', 'sim-model'];
      const result = await cli([...args, '--api-key', API_KEY, '--record', `${team}.jsonl`]);
      expect(result.code, result.stderr).toBe(0);
      recorded[team] = runOf(result);
    }
    await sim.stop();
  });
  afterAll(async () => {
    await sim.stop();
    await dir.remove();
  });

  it('writes a versioned JSONL cassette with failures and answers, and no API key', async () => {
    const text = await readFile(join(dir.path, 'pipeline.jsonl'), 'utf8');
    const [header, ...lines] = text
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(header).toMatchObject({ format: 'agentmesh-cassette', version: 1 });
    expect(lines.length).toBe((await storedCalls(recorded.pipeline!.runId)).length);
    expect(lines.some((line) => line.outcome.ok === false && line.outcome.error.status === 500)).toBe(true);
    expect(text).not.toContain(API_KEY);
  });

  for (const team of ['pipeline', 'parallel']) {
    it(`replays the ${team} team offline: byte-identical transcript, same attempts and failures per step`, async () => {
      const source = recorded[team]!;
      const args = ['run', TASK, '--team', team, '--json', '--base-url', offline, '--model', 'sim-model'];
      const result = await cli([...args, '--replay', `${team}.jsonl`]);
      expect(result.code, result.stderr).toBe(0);
      const replay = runOf(result);
      expect(replay.status).toBe('succeeded');
      expect(replay.runId).not.toBe(source.runId);

      // transcript.md names its run in the first line; everything after it must match byte for byte.
      const body = async (run: { artifactsDir: string }) =>
        (await readFile(join(run.artifactsDir, 'transcript.md'), 'utf8')).split('\n').slice(1).join('\n');
      const original = await body(source);
      expect(original.length).toBeGreaterThan(500);
      expect(await body(replay)).toBe(original);

      const [before, after] = [await show(source.runId), await show(replay.runId)];
      expect(after.transcript).toEqual(before.transcript);
      // Parallel steps sort by team order, not finishing order: both teams read the same way.
      expect(after.transcript.map((message) => message.agentId)).toEqual([
        'planner',
        'researcher',
        'coder',
        'critic',
        'summarizer',
      ]);
      // Recorded 500s are replayed as the same typed errors, so retries happen exactly as before,
      // and a request that reached the (closed) network would show up here as an extra failure.
      const recordedAttempts = attemptsPerStep(await storedCalls(source.runId));
      expect(Object.values(recordedAttempts).flat()).toContain('llm_http:500');
      expect(attemptsPerStep(await storedCalls(replay.runId))).toEqual(recordedAttempts);
    });
  }

  it('fails a replay of a changed task with replay_miss, in one line, exit 1', async () => {
    const args = ['run', `${TASK}, and weeks`, '--base-url', offline, '--model', 'sim-model'];
    const result = await cli([...args, '--replay', 'pipeline.jsonl']);
    expect(result.code).toBe(1);
    const final = result.stderr
      .trimEnd()
      .split('\n')
      .filter((line) => line.startsWith('agentmesh: '));
    expect(final).toHaveLength(1);
    expect(final[0]).toMatch(
      /failed \(agent_error:planner\): No recorded answer in cassette .*pipeline\.jsonl for the Planner's call to custom:sim-model/,
    );
    expect(final[0]).toContain('re-record with --record');
  });

  it('refuses a missing or corrupt cassette with exit 2 before any run is stored', async () => {
    await writeFile(
      join(dir.path, 'corrupt.jsonl'),
      '{"format":"agentmesh-cassette","version":1,"recordedAt":"x"}\nnot json\n{}\n',
    );
    const runs = await runCount();
    for (const [file, expected] of [
      [
        'missing.jsonl',
        /^agentmesh: Cannot read cassette .*missing\.jsonl: no such file; record one first with --record\.$/,
      ],
      [
        'corrupt.jsonl',
        /^agentmesh: Cassette .*corrupt\.jsonl line 2 is not a valid exchange; record it again with --record .*corrupt\.jsonl\.$/,
      ],
    ] as const) {
      const result = await cli([
        'run',
        TASK,
        '--base-url',
        offline,
        '--model',
        'sim-model',
        '--replay',
        file,
      ]);
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd()).toMatch(expected);
    }
    expect(await runCount()).toBe(runs);
  });

  it('refuses --record with --replay', async () => {
    const args = ['run', TASK, '--base-url', offline, '--record', 'a.jsonl', '--replay', 'pipeline.jsonl'];
    const result = await cli(args);
    expect(result.code).toBe(2);
    expect(result.stderr.trimEnd()).toBe(
      'agentmesh: --replay: cannot be combined with --record; record a run first, then replay it',
    );
  });
});
