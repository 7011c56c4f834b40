import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRunEvent } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { cleanEnv, tempDir } from './support/cli.js';
import { readOnlyRun } from './support/run-log.js';

/**
 * Kill -9 and exactly-once side effects, through the built library (dist/) in real subprocesses: a custom
 * tool appends a line to a counter file per execution. A call whose completion is in the log when the
 * process dies is read back on resume, never run again; a call that was still running is run again, with
 * the same idempotency key (at-least-once), which is what lets the tool's target deduplicate.
 */

const SCRIPT = resolve(import.meta.dirname, 'fixtures/tools/run-with-counter-tool.mjs');
const TASK = 'Count this once [[tool append_counter {"line":"one"}]]';
const CONFIG = [
  'agents:',
  '  coder: { tools: [append_counter] }',
  'teams:',
  '  counting: { pattern: pipeline, agents: [coder] }',
  'defaults: { team: counting }',
  '',
].join('\n');

let sim: RunningSimulator;
let dir: Awaited<ReturnType<typeof tempDir>>;
const counterLines = () => {
  const path = join(dir.path, 'counter.txt');
  return existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];
};
const db = () => join(dir.path, '.agentmesh', 'agentmesh.db');
const ofType = (events: StoredRunEvent[], type: StoredRunEvent['type']) =>
  events.filter((event) => event.type === type);

/** The fixture script as a subprocess, with its exit (code or signal) and output. */
function script(args: string[]) {
  const child: ChildProcess = spawn(
    process.execPath,
    [SCRIPT, args[0]!, dir.path, sim.url, ...args.slice(1)],
    {
      cwd: dir.path,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolveExit) => {
    child.once('close', (code, signal) => resolveExit({ code, signal }));
  });
  return { child, done, output: () => ({ stdout, stderr }) };
}

/** Resolves once `condition` holds (polled every 5 ms); fails the test when the process exits first. */
async function until(condition: () => boolean, exited: () => boolean, what: string): Promise<void> {
  while (!condition()) {
    if (exited()) throw new Error(`the run process exited before ${what}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 5));
  }
}

/** Resumes the run in a second process; returns what it printed. */
async function resumeInNewProcess(runId: string) {
  const resumed = script(['resume', runId]);
  const exit = await resumed.done;
  const { stdout, stderr } = resumed.output();
  expect(exit.code, stderr).toBe(0);
  return JSON.parse(stdout) as { runId: string; status: string; output: string };
}

beforeEach(async () => {
  dir = await tempDir();
  await writeFile(join(dir.path, 'agentmesh.yaml'), CONFIG);
  sim = await startSimulator();
});
afterEach(async () => {
  await sim?.close();
  await dir?.remove();
});

describe('kill -9 and a side-effecting tool', () => {
  it('does not run a tool again on resume when its completion was logged before the kill', async () => {
    const run = script(['run', TASK, 'after']);
    let exited = false;
    void run.done.then(() => {
      exited = true;
    });
    // The tool's line is written, and the model call that follows its result has reached the simulator
    // (it is held there): the result was in the log before the model was asked again.
    await until(
      () => counterLines().length === 1 && sim.stats().requests >= 2,
      () => exited,
      'the tool ran',
    );
    run.child.kill('SIGKILL');
    expect((await run.done).signal).toBe('SIGKILL');

    const killed = await readOnlyRun(db());
    expect(killed!.state.status).toBe('running');
    expect(ofType(killed!.events, 'tool.completed')).toHaveLength(1);
    expect(killed!.state.transcript).toEqual([]);

    sim.configure({ latencyMs: 0 });
    const resumed = await resumeInNewProcess(killed!.runId);
    expect(resumed.status).toBe('succeeded');
    expect(resumed.output).toMatch(/^Tool results used:/);
    expect(resumed.output).toContain('append_counter: appended one');
    // Exactly once: one line, and one call and completion in the log.
    expect(counterLines()).toEqual([`${killed!.runId}/${killed!.state.toolCalls[0]!.callId} one`]);
    const after = await readOnlyRun(db());
    expect(ofType(after!.events, 'tool.called')).toHaveLength(1);
    expect(ofType(after!.events, 'tool.completed')).toHaveLength(1);
  });

  it('runs a call that was in flight at the kill again, with the same idempotency key', async () => {
    const run = script(['run', TASK, 'during']);
    let exited = false;
    void run.done.then(() => {
      exited = true;
    });
    await until(
      () => counterLines().length === 1,
      () => exited,
      'the tool started',
    );
    run.child.kill('SIGKILL');
    await run.done;
    const killed = await readOnlyRun(db());
    expect(killed!.state.toolCalls.map((call) => call.status)).toEqual(['called']);

    const resumed = await resumeInNewProcess(killed!.runId);
    expect(resumed.status).toBe('succeeded');
    const key = `${killed!.runId}/${killed!.state.toolCalls[0]!.callId}`;
    expect(counterLines()).toEqual([`${key} started`, `${key} one`]);
    const after = await readOnlyRun(db());
    expect(ofType(after!.events, 'tool.called')).toHaveLength(1);
    expect(ofType(after!.events, 'tool.completed')).toHaveLength(1);
  });
});
