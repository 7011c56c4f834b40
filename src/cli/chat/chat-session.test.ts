import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../../config/load-config.js';
import { resolveConfig } from '../../config/resolve-config.js';
import { openGateway } from '../../runtime/build-gateway.js';
import { loadResumableRun } from '../../runtime/resume-run.js';
import { type RunningSimulator, startSimulator } from '../../sim/simulator.js';
import { SqliteRunStore } from '../../store/sqlite/sqlite-run-store.js';
import { ChatSession } from './chat-session.js';

const GATED =
  'teams:\n  gated:\n    pattern: pipeline\n    agents: [planner, coder]\n    approval: [coder]\n';

/** Collects what is written, and waits for text to appear. */
class Transcript extends Writable {
  text = '';
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.text += chunk.toString();
    done();
  }
  /** Resolves once `pattern` has been written (the test timeout bounds the wait). */
  async waitFor(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.text)) await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('ChatSession', () => {
  let sim: RunningSimulator;
  let dir: string;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmesh-chat-'));
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function session(simOptions: Parameters<typeof startSimulator>[0] = {}) {
    sim = await startSimulator(simOptions);
    const file = parseConfigText({ text: GATED, path: join(dir, 'agentmesh.yaml'), cwd: dir, env: {} });
    const config = resolveConfig({
      file,
      env: {},
      cwd: dir,
      overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
    });
    const store = SqliteRunStore.open({ path: config.store.path });
    const gateway = await openGateway(config, { warn: () => undefined });
    closers.push(
      () => store.close(),
      () => gateway.close(),
    );
    const input = new PassThrough();
    const output = new Transcript();
    const progress = new Transcript();
    const chat = new ChatSession({
      config,
      team: 'gated',
      store,
      gateway: gateway.gateway,
      input,
      output,
      progress,
      env: { NO_COLOR: '1' },
      decidedBy: 'chat:test',
    });
    return { chat, input, output, progress, store, exit: chat.run() };
  }

  it('cancels the running task on Ctrl-C, keeps it resumable, and returns to the prompt', async () => {
    // Answers take a minute: the planner's call is surely in flight when Ctrl-C comes.
    const { chat, input, output, progress, store, exit } = await session({ latencyMs: 60_000 });
    input.write('Write a slugify function\n');
    await progress.waitFor(/planner is working/);
    chat.interrupt();
    await progress.waitFor(/cancelled; agentmesh resume (run_\S+) continues it/);
    const runId = /run (run_\S+) cancelled/.exec(progress.text)?.[1] ?? '';
    expect((await store.getRun(runId))?.status).toBe('cancelled');
    await expect(loadResumableRun(store, runId)).resolves.toMatchObject({ status: 'cancelled' });

    await output.waitFor(/agentmesh> [^\n]*\n[\s\S]*agentmesh> $/);
    input.write('/quit\n');
    await expect(exit).resolves.toBe(0);
  });

  it('ends the session on Ctrl-C at the prompt', async () => {
    const { chat, output, exit } = await session();
    await output.waitFor(/agentmesh> $/);
    chat.interrupt();
    await expect(exit).resolves.toBe(0);
  });

  it('pauses for approval, and says at the end of input how to decide it later', async () => {
    const { input, output, progress, store, exit } = await session();
    input.write('Write a slugify function\n/reject\n');
    input.end();
    await expect(exit).resolves.toBe(0);
    expect(output.text).toContain('coder (step 001-coder) waits for your decision');
    expect(progress.text).toContain('say what to change: /reject <comment>');
    const [run] = await store.listRuns();
    expect(run?.status).toBe('awaiting_approval');
    expect(progress.text).toContain(`decide it later with agentmesh approve ${run?.runId}`);
    expect(await store.approvals({ runId: run?.runId ?? '', status: 'pending' })).toHaveLength(1);
  });

  it('answers /approve and /debug before any run without failing', async () => {
    const { input, output, progress, exit } = await session();
    input.write('/approve\n/debug\n');
    input.end();
    await expect(exit).resolves.toBe(0);
    expect(progress.text).toContain('nothing waits for your decision');
    expect(output.text).toContain('no run in this session yet');
  });
});
