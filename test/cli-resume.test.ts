import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { foldRun } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { BIN, cleanEnv, runCli, tempDir } from './support/cli.js';

const TASK = 'Write a function that reverses a string';

/** Every agent on the simulator; the critic's provider forces a server error on every request. */
function configWithBrokenCritic(simUrl: string, broken: boolean): string {
  return [
    'providers:',
    '  sim:',
    `    baseUrl: ${simUrl}`,
    '    requiresApiKey: false',
    ...(broken ? ['    headers:', '      x-sim-fault: error'] : []),
    '  healthy:',
    `    baseUrl: ${simUrl}`,
    '    requiresApiKey: false',
    'models:',
    '  "sim:sim-model": { input: 0.1, output: 0.2 }',
    '  "healthy:sim-model": { input: 0.1, output: 0.2 }',
    'defaults:',
    '  model: healthy:sim-model',
    'agents:',
    '  critic:',
    '    model: sim:sim-model',
    'cache:',
    '  enabled: false',
    'limits:',
    '  retry:',
    '    maxRetries: 0',
    '',
  ].join('\n');
}

async function runLog(dir: string, runId: string) {
  const store = SqliteRunStore.open({ path: join(dir, '.agentmesh', 'agentmesh.db') });
  try {
    return await store.events(runId);
  } finally {
    await store.close();
  }
}

/** Spawns `agentmesh run` and sends `signal` once its progress shows `marker`. */
function runUntil(args: string[], cwd: string, marker: string, signal: NodeJS.Signals) {
  return new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: cleanEnv(), stdio: 'pipe' });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (stderr.includes(marker) && child.exitCode === null && !child.killed) child.kill(signal);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

describe('agentmesh resume', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 40 });
  });
  afterAll(async () => {
    await sim.close();
  });
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('continues a failed run after the config is fixed, without asking again for completed steps', async () => {
    await writeFile(join(dir.path, 'broken.yaml'), configWithBrokenCritic(sim.url, true));
    await writeFile(join(dir.path, 'fixed.yaml'), configWithBrokenCritic(sim.url, false));

    const failed = await runCli(['run', TASK, '--json', '--config', 'broken.yaml'], { cwd: dir.path });
    expect(failed.code).toBe(1);
    const { runId, stopReason } = JSON.parse(failed.stdout);
    expect(stopReason).toBe('agent_error:critic');
    expect(failed.stderr).toContain(`agentmesh resume ${runId} continues it`);
    const before = foldRun(await runLog(dir.path, runId));
    expect(before.transcript.map((m) => m.agentId)).toEqual(['planner', 'researcher', 'coder']);

    const seq = sim.requests().at(-1)!.seq;
    const resumed = await runCli(['resume', runId, '--json', '--config', 'fixed.yaml'], { cwd: dir.path });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ runId, status: 'succeeded', stopReason: 'completed' });

    // Only the critic and the summarizer were asked: the completed steps were read back from the log.
    expect(sim.requests(seq).map((request) => request.status)).toEqual([200, 200]);
    const after = foldRun(await runLog(dir.path, runId));
    expect(after.transcript.map((m) => m.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
    ]);
    expect(after.transcript.slice(0, 3)).toEqual(before.transcript);
  });

  it('continues a run cancelled with Ctrl-C', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configWithBrokenCritic(sim.url, false));
    const cancelled = await runUntil(['run', TASK], dir.path, 'coder is working', 'SIGINT');
    expect(cancelled.code).toBe(130);
    const runId = /run (run_\w+) cancelled/.exec(cancelled.stderr)?.[1];
    expect(runId).toBeDefined();

    const resumed = await runCli(['resume', runId!, '--json'], { cwd: dir.path });
    expect(resumed.code).toBe(0);
    const state = foldRun(await runLog(dir.path, runId!));
    expect(state.status).toBe('succeeded');
    expect(state.transcript.map((m) => m.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
    ]);
  });

  it('offers to resume a run whose process was killed, and resumes it', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configWithBrokenCritic(sim.url, false));
    const killed = await runUntil(['run', TASK], dir.path, 'critic is working', 'SIGKILL');
    expect(killed.code).toBeNull();
    const runId = /run (run_\w+): team/.exec(killed.stderr)?.[1];
    expect(runId).toBeDefined();

    const next = await runCli(['run', 'Write a haiku about logs', '--json'], { cwd: dir.path });
    expect(next.code).toBe(0);
    expect(next.stderr).toContain(`run ${runId} (pipeline, started`);
    expect(next.stderr).toContain(
      `was left running by a process that died; continue it with: agentmesh resume ${runId}`,
    );

    const resumed = await runCli(['resume', runId!, '--json'], { cwd: dir.path });
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).status).toBe('succeeded');
  });

  it('refuses an unknown or finished run with one line and exit 2, and leaves the store as it was', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configWithBrokenCritic(sim.url, false));
    const unknownFirst = await runCli(['resume', 'run_nope'], { cwd: dir.path });
    expect(unknownFirst.code).toBe(2);
    expect(unknownFirst.stderr.trim()).toMatch(/^agentmesh: No run run_nope in the run store/);
    expect(existsSync(join(dir.path, '.agentmesh'))).toBe(false);

    const done = await runCli(['run', TASK, '--json'], { cwd: dir.path });
    const { runId } = JSON.parse(done.stdout);
    const events = await runLog(dir.path, runId);

    const finished = await runCli(['resume', runId], { cwd: dir.path });
    expect(finished.code).toBe(2);
    expect(finished.stderr.trim().split('\n')).toEqual([
      `agentmesh: Run ${runId} already finished (completed); there is nothing to resume. To redo part of it, use agentmesh runs fork ${runId} --from-step K.`,
    ]);
    const unknown = await runCli(['resume', 'run_nope'], { cwd: dir.path });
    expect(unknown.code).toBe(2);
    expect(await runLog(dir.path, runId)).toEqual(events);
  });
});
