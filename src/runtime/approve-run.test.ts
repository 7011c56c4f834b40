import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/load-config.js';
import { resolveConfig } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { StoredRunEvent } from '../core/index.js';
import { isAgentMeshError } from '../errors/index.js';
import { type RunningSimulator, startSimulator } from '../sim/simulator.js';
import { SqliteRunStore } from '../store/sqlite/sqlite-run-store.js';
import { approveRun, decideRunApproval } from './approve-run.js';
import { type GatewayHandle, openGateway } from './build-gateway.js';
import { newLeaseOwner } from './run-lease.js';
import { runTask } from './run-task.js';

const TEAMS = [
  'teams:',
  '  gated:',
  '    pattern: pipeline',
  '    agents: [planner, coder]',
  '    approval: [coder]',
  '  fan:',
  '    pattern: parallel',
  '    agents: [planner, [researcher, coder], summarizer]',
  '    approval: [researcher, coder]',
  '',
].join('\n');

describe('approveRun', () => {
  let dir: string;
  let sim: RunningSimulator;
  let config: ResolvedConfig;
  let store: SqliteRunStore;
  let gateway: GatewayHandle;
  const signal = new AbortController().signal;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmesh-approve-'));
    sim = await startSimulator();
    const file = parseConfigText({ text: TEAMS, path: join(dir, 'agentmesh.yaml'), cwd: dir, env: {} });
    config = resolveConfig({
      file,
      env: {},
      cwd: dir,
      overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
    });
    store = SqliteRunStore.open({ path: config.store.path });
    gateway = await openGateway(config, { warn: () => undefined });
  });
  afterEach(async () => {
    await gateway.close();
    await store.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  const run = (team: string) =>
    runTask({ config, task: 'Write a slugify function', team, store, gateway: gateway.gateway, signal });
  const approve = (runId: string, decision: { decision: 'approved' | 'rejected'; approvalId?: string }) =>
    approveRun({ config, runId, store, gateway: gateway.gateway, signal, decidedBy: 'test', ...decision });
  const refusal = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (thrown: unknown) => thrown,
    );
    if (!isAgentMeshError(error)) throw new Error(`expected an AgentMeshError, got ${String(error)}`);
    return error;
  };

  it('continues a paused run to its end and tells the listeners of the decision first', async () => {
    const paused = await run('gated');
    expect(paused.state.status).toBe('awaiting_approval');
    const heard: StoredRunEvent[] = [];
    const approved = await approveRun({
      config,
      runId: paused.state.runId,
      store,
      gateway: gateway.gateway,
      signal,
      decision: 'approved',
      listeners: [(event) => heard.push(event)],
    });
    expect(approved.continuation).toEqual({ kind: 'continued' });
    expect(approved.state.status).toBe('succeeded');
    expect(approved.decision).toMatchObject({
      type: 'approval.decided',
      stepId: '001-coder',
      decision: 'approved',
    });
    expect(heard[0]?.type).toBe('approval.decided');
    expect(heard.map((event) => event.type)).toContain('run.finished');
  });

  it('waits for every pending approval of a parallel stage before continuing', async () => {
    const paused = await run('fan');
    const { runId } = paused.state;
    const pending = await store.approvals({ runId, status: 'pending' });
    expect(pending.map((approval) => approval.agentId).sort()).toEqual(['coder', 'researcher']);

    // With two waiting, a decision must name one.
    expect((await refusal(approve(runId, { decision: 'approved' }))).code).toBe('usage');

    const first = await approve(runId, { decision: 'approved', approvalId: pending[0]!.approvalId });
    expect(first.continuation).toMatchObject({ kind: 'approvals_pending', pending: [pending[1]] });
    expect(first.state.status).toBe('awaiting_approval');
    expect(first.state.steps.some((step) => step.agentId === 'summarizer')).toBe(false);

    const second = await approve(runId, { decision: 'approved', approvalId: pending[1]!.approvalId });
    expect(second.continuation).toEqual({ kind: 'continued' });
    expect(second.state.status).toBe('succeeded');
    expect(second.state.transcript.map((message) => message.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'summarizer',
    ]);
  });

  it('records the decision but leaves the run to the live process that holds its lease', async () => {
    const paused = await run('gated');
    const { runId } = paused.state;
    const lease = await store.lease(runId);
    const holder = newLeaseOwner(); // this process: alive
    expect(
      await store.swapLease(runId, lease!.version, { owner: holder, expiresAt: '2999-01-01T00:00:00.000Z' }),
    ).toBe(true);
    const approved = await approve(runId, { decision: 'approved' });
    expect(approved.continuation).toEqual({ kind: 'leased', holder });
    expect(approved.state.approvals).toMatchObject([{ status: 'approved' }]);
    expect((await store.events(runId)).some((event) => event.type === 'run.resumed')).toBe(false);
  });

  it('refuses unknown runs, runs not waiting and decided approvals without writing anything', async () => {
    expect((await refusal(decideRunApproval(store, { runId: 'run_nope', decision: 'approved' }))).code).toBe(
      'run_not_found',
    );

    const finished = await run('pipeline');
    const finishedId = finished.state.runId;
    const before = (await store.events(finishedId)).length;
    const notWaiting = await refusal(decideRunApproval(store, { runId: finishedId, decision: 'approved' }));
    expect(notWaiting.code).toBe('approval_not_pending');
    expect(notWaiting.message).toBe(
      `Run ${finishedId} is not waiting for approval (status: succeeded); agentmesh runs show ${finishedId} shows its state.`,
    );
    expect(await store.events(finishedId)).toHaveLength(before);

    const paused = await run('gated');
    const { runId } = paused.state;
    const decided = await decideRunApproval(store, { runId, decision: 'rejected', comment: 'shorter' });
    const count = (await store.events(runId)).length;
    const again = await refusal(
      decideRunApproval(store, { runId, decision: 'approved', approvalId: decided.approvalId }),
    );
    expect(again.code).toBe('approval_not_pending');
    // Decided but not continued: the next step is resume, and the message says so.
    const none = await refusal(decideRunApproval(store, { runId, decision: 'approved' }));
    expect(none.message).toContain(`agentmesh resume ${runId}`);
    expect(await store.events(runId)).toHaveLength(count);
  });
});
