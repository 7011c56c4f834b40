import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { runCli, type SimProcess, startSimProcess, tempDir } from './support/cli.js';

// Fast retries so failing runs finish in well under a second.
const FAST_RETRIES = 'limits:\n  retry:\n    maxRetries: 3\n    baseDelayMs: 5\n    maxDelayMs: 20\n';

describe('agentmesh run against a flaky simulator (20% HTTP 500)', () => {
  let sim: SimProcess;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    sim = await startSimProcess(['--fail-rate', '0.2', '--fail-status', '500', '--seed', '4']);
    dir = await tempDir();
    await writeFile(join(dir.path, 'agentmesh.yaml'), FAST_RETRIES);
  });
  afterAll(async () => {
    await sim.stop();
    await dir.remove();
  });

  it('succeeds, keeps errors out of the transcript, and records every attempt in llm_calls', async () => {
    const result = await runCli(
      [
        'run',
        'Write a function that reverses a string',
        '--json',
        '--base-url',
        sim.url,
        '--model',
        'sim-model',
      ],
      { cwd: dir.path },
    );
    expect(result.stderr).not.toContain('agentmesh: ');
    expect(result.code).toBe(0);

    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ status: 'succeeded', stopReason: 'completed', team: 'pipeline' });
    expect(Object.keys(output).sort()).toEqual(
      ['artifactsDir', 'output', 'runId', 'status', 'stopReason', 'team', 'usage'].sort(),
    );
    expect(Object.keys(output.usage).sort()).toEqual(
      ['cachedTokens', 'calls', 'completionTokens', 'costUsd', 'promptTokens'].sort(),
    );
    expect(output.output.length).toBeGreaterThan(0);

    const store = SqliteRunStore.open({ path: join(dir.path, '.agentmesh', 'agentmesh.db') });
    try {
      const calls = await store.llmCalls(output.runId);
      const failed = calls.filter((c) => c.outcome === 'error');
      const succeeded = calls.filter((c) => c.outcome === 'ok');
      expect(succeeded).toHaveLength(5); // one answer per pipeline agent
      expect(failed.length).toBeGreaterThan(0); // seed 4 fails requests 2, 6 and 7: retries happened
      expect(failed.every((c) => c.status === 500)).toBe(true);
      expect(calls).toHaveLength(output.usage.calls);

      const events = await store.events(output.runId);
      const messages = events.filter((e) => e.type === 'message.added');
      expect(messages.map((m) => m.agentId)).toEqual([
        'planner',
        'researcher',
        'coder',
        'critic',
        'summarizer',
      ]);
      for (const message of messages) {
        expect(message.content).not.toMatch(/\[Error\]|Internal Server Error|HTTP 500/);
      }
    } finally {
      await store.close();
    }

    const transcript = await readFile(join(output.artifactsDir, 'transcript.md'), 'utf8');
    expect(transcript).not.toMatch(/\[Error\]|Internal Server Error|HTTP 500/);
    expect(JSON.parse(await readFile(join(output.artifactsDir, 'result.json'), 'utf8'))).toMatchObject({
      runId: output.runId,
    });
  });

  it('lists and shows the stored run', async () => {
    const list = await runCli(['runs', 'list', '--json'], { cwd: dir.path });
    expect(list.code).toBe(0);
    const [latest] = JSON.parse(list.stdout);
    expect(latest).toMatchObject({ status: 'succeeded', team: 'pipeline' });

    const show = await runCli(['runs', 'show', latest.runId, '--json'], { cwd: dir.path });
    expect(show.code).toBe(0);
    const shown = JSON.parse(show.stdout);
    expect(shown.transcript).toHaveLength(5);
    expect(shown.llmCalls.length).toBe(latest.calls);
  });
});

describe('agentmesh run when every attempt fails', () => {
  it('exits 1 with one clear line and stores the run as failed with an empty transcript', async () => {
    const sim = await startSimProcess(['--fail-rate', '1', '--fail-status', '503']);
    const dir = await tempDir();
    try {
      await writeFile(join(dir.path, 'agentmesh.yaml'), FAST_RETRIES);
      const result = await runCli(
        ['run', 'Plan a picnic', '--json', '--base-url', sim.url, '--model', 'sim-model'],
        { cwd: dir.path },
      );
      expect(result.code).toBe(1);
      const errorLines = result.stderr.split('\n').filter((line) => line.startsWith('agentmesh: '));
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatch(/failed \(agent_error:planner\).*503/);

      const output = JSON.parse(result.stdout);
      expect(output).toMatchObject({ status: 'failed', stopReason: 'agent_error:planner', output: '' });
      const store = SqliteRunStore.open({ path: join(dir.path, '.agentmesh', 'agentmesh.db') });
      try {
        expect(await store.getRun(output.runId)).toMatchObject({
          status: 'failed',
          stopReason: 'agent_error:planner',
        });
        const events = await store.events(output.runId);
        expect(events.some((e) => e.type === 'message.added')).toBe(false);
        expect((await store.llmCalls(output.runId)).length).toBe(4); // 1 attempt + 3 retries
      } finally {
        await store.close();
      }
    } finally {
      await sim.stop();
      await dir.remove();
    }
  });
});

describe('agentmesh run with the chat team', () => {
  it('ends when the critic approves, after the round is finished', async () => {
    const sim = await startSimProcess();
    const dir = await tempDir();
    try {
      const result = await runCli(
        [
          'run',
          'Design a URL shortener',
          '--team',
          'chat',
          '--json',
          '--base-url',
          sim.url,
          '--model',
          'sim-model',
        ],
        { cwd: dir.path },
      );
      expect(result.code).toBe(0);
      const output = JSON.parse(result.stdout);
      // The simulated critic lists issues on its first review and approves on its second.
      expect(output).toMatchObject({ status: 'succeeded', stopReason: 'approved', team: 'chat' });
      expect(output.usage.calls).toBe(10);
    } finally {
      await sim.stop();
      await dir.remove();
    }
  });
});

describe('bad input', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    dir = await tempDir();
  });
  afterAll(() => dir.remove());

  const expectUsageError = async (args: string[], pattern: RegExp, cwd = dir.path) => {
    const result = await runCli(args, { cwd });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')[0]).toMatch(pattern);
    return result;
  };

  it('rejects an empty task and stores nothing', async () => {
    await expectUsageError(
      ['run', '  ', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'],
      /task is empty/,
    );
    expect(existsSync(join(dir.path, '.agentmesh'))).toBe(false);
  });

  it('names the missing API key variable', async () => {
    await expectUsageError(['run', 'hello'], /OPENROUTER_API_KEY/);
    expect(existsSync(join(dir.path, '.agentmesh'))).toBe(false);
  });

  it('lists the teams when the team is unknown', async () => {
    await expectUsageError(
      ['run', 'hello', '--team', 'nope', '--model', 'x', '--base-url', 'http://127.0.0.1:9/v1'],
      /nope.*pipeline/,
    );
  });

  it('lists known models when the model is unknown', async () => {
    await expectUsageError(['run', 'hello', '--model', 'openrouter:no/such-model'], /no\/such-model/);
  });

  it('says the base URL is unreachable', async () => {
    await expectUsageError(
      ['run', 'hello', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'],
      /Cannot reach http:\/\/127\.0\.0\.1:9\/v1/,
    );
  });

  it('reports config errors with file, line and field', async () => {
    const configDir = await tempDir();
    try {
      await writeFile(join(configDir.path, 'agentmesh.yaml'), 'agents:\n  coder:\n    temperature: hot\n');
      await expectUsageError(
        ['run', 'hello'],
        /agentmesh\.yaml:3.*agents\.coder\.temperature/,
        configDir.path,
      );
    } finally {
      await configDir.remove();
    }
  });

  it('rejects a bad flag value', async () => {
    const result = await runCli(['run', 'hello', '--max-cost', 'lots'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--max-cost/);
  });

  it('says which run id is unknown', async () => {
    await expectUsageError(['runs', 'show', 'run_nope'], /No run run_nope/);
  });
});
