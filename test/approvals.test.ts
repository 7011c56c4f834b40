import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { type CliResult, runCli, tempDir } from './support/cli.js';

// The coder's every output waits for a human; the planner's does not.
const GATED_TEAM =
  'teams:\n  gated:\n    pattern: pipeline\n    agents: [planner, coder]\n    approval: [coder]\n';
const TASK = 'Write a function that reverses a string';

/**
 * A loopback HTTP proxy in front of the simulator that keeps every chat request's messages, so a test
 * can read what an agent was sent (the simulator's own log keeps only a hash of the body).
 */
async function recordingProxy(
  target: string,
): Promise<{ url: string; sent: ChatMessage[][]; close(): Promise<void> }> {
  const sent: ChatMessage[][] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    if (req.method === 'POST' && req.url?.endsWith('/chat/completions')) {
      sent.push((JSON.parse(body.toString()) as { messages: ChatMessage[] }).messages);
    }
    const upstream = await fetch(`${target.replace(/\/v1$/, '')}${req.url}`, {
      method: req.method ?? 'GET',
      headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
      ...(body.length > 0 && { body }),
    });
    res.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'text/plain' });
    res.end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    sent,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

describe('agentmesh approve', () => {
  let sim: RunningSimulator;
  let proxy: Awaited<ReturnType<typeof recordingProxy>>;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const db = () => join(dir.path, '.agentmesh', 'agentmesh.db');
  const cli = (args: string[]) =>
    runCli([...args, '--base-url', proxy.url, '--model', 'sim-model', '--no-cache'], { cwd: dir.path });
  const show = async (runId: string) => {
    const result = await runCli(['runs', 'show', runId, '--json'], { cwd: dir.path });
    expect(result.code).toBe(0);
    return result.stdout;
  };
  const errorLines = (result: CliResult) =>
    result.stderr.split('\n').filter((line) => line.startsWith('agentmesh: '));
  /** Runs the gated team until it pauses; returns the run id. */
  const startPausedRun = async () => {
    const result = await cli(['run', TASK, '--team', 'gated', '--json']);
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.status).toBe('awaiting_approval');
    return output.runId as string;
  };
  const withStore = async <T>(use: (store: SqliteRunStore) => Promise<T>): Promise<T> => {
    const store = SqliteRunStore.open({ path: db() });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };

  beforeAll(async () => {
    sim = await startSimulator();
    proxy = await recordingProxy(sim.url);
  });
  afterAll(async () => {
    await proxy.close();
    await sim.close();
  });
  beforeEach(async () => {
    dir = await tempDir();
    await writeFile(join(dir.path, 'agentmesh.yaml'), GATED_TEAM);
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('pauses a gated run as awaiting_approval, and an approve from another process finishes it', async () => {
    const run = await cli(['run', TASK, '--team', 'gated', '--json']);
    expect(run.code).toBe(0);
    const paused = JSON.parse(run.stdout);
    expect(paused).toMatchObject({ status: 'awaiting_approval', artifactsDir: null });
    expect(errorLines(run)).toEqual([
      `agentmesh: run ${paused.runId} waits for your decision on step 001-coder (coder): agentmesh approve ${paused.runId} [--reject --comment "…"]`,
    ]);
    expect(JSON.parse(await show(paused.runId))).toMatchObject({ status: 'awaiting_approval' });
    const requestsBefore = sim.stats().requests;

    const approve = await cli(['approve', paused.runId, '--comment', 'looks good', '--json']);
    expect(approve.stderr).not.toContain('agentmesh: ');
    expect(approve.code).toBe(0);
    const finished = JSON.parse(approve.stdout);
    expect(finished).toMatchObject({ runId: paused.runId, status: 'succeeded', stopReason: 'completed' });
    expect(existsSync(join(finished.artifactsDir, 'transcript.md'))).toBe(true);
    expect(approve.stderr).toContain("coder's output approved: looks good");
    // Both steps were done before the pause: approving reads them back and calls no model again.
    expect(sim.stats().requests).toBe(requestsBefore);

    await withStore(async (store) => {
      const [decided] = await store.approvals({ runId: paused.runId });
      expect(decided).toMatchObject({ stepId: '001-coder', status: 'approved', comment: 'looks good' });
      expect(decided?.decidedBy).toMatch(/^cli:./);
      const state = JSON.parse(await show(paused.runId));
      expect(state.transcript.map((message: { agentId: string }) => message.agentId)).toEqual([
        'planner',
        'coder',
      ]);
    });
  });

  it('sends a rejection back to the agent with the comment, pauses for the new output, then approves', async () => {
    const runId = await startPausedRun();
    const rejectedOutput = JSON.parse(await show(runId)).transcript[1].content as string;
    const comment = 'Reverse by grapheme clusters, not code units, and say so in the docstring.';
    const sentBefore = proxy.sent.length;

    const reject = await cli(['approve', runId, '--reject', '--comment', comment, '--json']);
    expect(reject.code).toBe(0);
    expect(JSON.parse(reject.stdout)).toMatchObject({ runId, status: 'awaiting_approval' });
    expect(reject.stderr).toContain(`coder's output rejected: ${comment}`);

    // Exactly one new request: the coder's redo, which shows it its rejected answer and the human's words.
    const redo = proxy.sent.slice(sentBefore);
    expect(redo).toHaveLength(1);
    const messages = redo[0]!;
    expect(messages[0]?.content).toMatch(/You are the Coder/i);
    expect(messages).toContainEqual({ role: 'assistant', content: rejectedOutput });
    expect(messages.at(-1)).toEqual({
      role: 'user',
      content: `A human reviewer rejected your answer above: ${comment}\nRevise it accordingly.`,
    });

    const approve = await cli(['approve', runId, '--json']);
    expect(approve.code).toBe(0);
    expect(JSON.parse(approve.stdout)).toMatchObject({ status: 'succeeded' });
    await withStore(async (store) => {
      const decisions = (await store.events(runId)).filter((event) => event.type === 'approval.decided');
      expect(decisions.map((event) => event.decision)).toEqual(['rejected', 'approved']);
      const approvals = await store.approvals({ runId });
      expect(approvals.map((approval) => approval.status)).toEqual(['rejected', 'approved']);
      expect(approvals[0]?.comment).toBe(comment);
    });
  });

  it('refuses a second decision on the same approval with exit 2 and changes nothing', async () => {
    const runId = await startPausedRun();
    const reject = await cli(['approve', runId, '--reject', '--comment', 'Add type hints.']);
    expect(reject.code).toBe(0);
    const [first] = await withStore((store) => store.approvals({ runId }));
    const before = await show(runId);

    const again = await cli(['approve', runId, '--approval', first!.approvalId]);
    expect(again.code).toBe(2);
    expect(errorLines(again)).toHaveLength(1);
    expect(errorLines(again)[0]).toContain(
      `Approval ${first!.approvalId} of run ${runId} was already decided (rejected`,
    );
    expect(again.stdout).toBe('');
    expect(await show(runId)).toBe(before);
  });

  it('lets exactly one of two processes deciding the same approval at once win', async () => {
    const runId = await startPausedRun();
    const [pending] = await withStore((store) => store.approvals({ runId }));
    // Both name the approval: without it, the loser could decide the next one the winner's redo asked for.
    const id = pending!.approvalId;
    const results = await Promise.all([
      cli(['approve', runId, '--approval', id]),
      cli(['approve', runId, '--approval', id, '--reject', '--comment', 'no']),
    ]);
    expect(results.map((result) => result.code).sort()).toEqual([0, 2]);
    const loser = results.find((result) => result.code === 2)!;
    expect(errorLines(loser)).toHaveLength(1);
    expect(errorLines(loser)[0]).toContain(`Approval ${id} of run ${runId} was already decided`);
    const decisions = await withStore(async (store) =>
      (await store.events(runId)).filter((event) => event.type === 'approval.decided'),
    );
    expect(decisions).toHaveLength(1);
  });

  it('refuses to approve a run that is not waiting, with exit 2 and the store untouched', async () => {
    const finished = await cli(['run', TASK, '--team', 'pipeline', '--json']);
    expect(finished.code).toBe(0);
    const { runId } = JSON.parse(finished.stdout);
    const before = await show(runId);

    const approve = await cli(['approve', runId]);
    expect(approve.code).toBe(2);
    expect(errorLines(approve)).toEqual([
      `agentmesh: Run ${runId} is not waiting for approval (status: succeeded); agentmesh runs show ${runId} shows its state.`,
    ]);
    expect(await show(runId)).toBe(before);
    expect(await withStore((store) => store.approvals({ runId }))).toEqual([]);
  });

  it('refuses an unknown run with exit 2, without creating a store', async () => {
    const approve = await cli(['approve', 'run_nope']);
    expect(approve.code).toBe(2);
    expect(errorLines(approve)).toHaveLength(1);
    expect(errorLines(approve)[0]).toContain('No run run_nope');
    expect(existsSync(db())).toBe(false);

    await startPausedRun();
    const unknown = await cli(['approve', 'run_nope']);
    expect(unknown.code).toBe(2);
    expect(errorLines(unknown)).toEqual([
      'agentmesh: No run run_nope in the run store; agentmesh runs list shows the stored runs.',
    ]);
  });
});
