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
import { type GatewayHandle, openGateway } from './build-gateway.js';
import { withCostCap } from './run-request-checks.js';
import { createRunService, type LiveRunEvent, type RunService } from './run-service.js';

const YAML = [
  'stream: true',
  'teams:',
  '  duo:',
  '    pattern: pipeline',
  '    agents: [planner, coder]',
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

async function refusal(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  if (!isAgentMeshError(error)) throw new Error(`expected an AgentMeshError, got ${String(error)}`);
  return error;
}

describe('createRunService', () => {
  let dir: string;
  let sim: RunningSimulator;
  let config: ResolvedConfig;
  let store: SqliteRunStore;
  let gateway: GatewayHandle;
  let inactive: Set<string>;
  let heard: StoredRunEvent[];
  let runs: RunService;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'agentmesh-run-service-'));
    sim = await startSimulator();
    const file = parseConfigText({ text: YAML, path: join(dir, 'agentmesh.yaml'), cwd: dir, env: {} });
    config = resolveConfig({
      file,
      env: {},
      cwd: dir,
      overrides: { baseUrl: sim.url, model: 'sim-model', noCache: true },
    });
    store = SqliteRunStore.open({ path: config.store.path });
    gateway = await openGateway(config, { warn: () => undefined });
    inactive = new Set();
    heard = [];
    runs = createRunService({
      config: () => config,
      inactiveAgents: () => inactive,
      store,
      gateway: gateway.gateway,
      listeners: [(event) => heard.push(event)],
    });
  });
  afterEach(async () => {
    await runs.close();
    await gateway.close();
    await store.close();
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Resolves with the run's live events once run.finished (or an approval request) has come. */
  const follow = (runId: string, until: (event: LiveRunEvent) => boolean) =>
    new Promise<LiveRunEvent[]>((resolve) => {
      const seen: LiveRunEvent[] = [];
      const stop = runs.subscribe(runId, (event) => {
        seen.push(event);
        if (until(event)) {
          stop();
          resolve(seen);
        }
      });
    });
  const finished = (event: LiveRunEvent) => event.kind === 'event' && event.event.type === 'run.finished';

  it('resolves once run.started is stored, streams events and deltas to subscribers, and settles done', async () => {
    const started = await runs.start({ task: 'Write a slugify function', team: 'duo', by: 'test' });
    expect((await store.events(started.runId))[0]?.type).toBe('run.started');
    const live = follow(started.runId, finished);
    const done = await started.done;
    expect('state' in done && done.state.status).toBe('succeeded');
    const seen = await live;
    expect(seen.some((event) => event.kind === 'delta' && event.agentId === 'coder')).toBe(true);
    expect(runs.isExecuting(started.runId)).toBe(false);
    // The service's listeners heard every stored event, in order.
    const stored = await store.events(started.runId);
    expect(heard.filter((event) => event.runId === started.runId).map((event) => event.seq)).toEqual(
      stored.map((event) => event.seq),
    );
  });

  it('refuses bad requests naming the field, before anything is stored', async () => {
    expect((await refusal(runs.start({ task: '  ', by: 'test' }))).context.field).toBe('task');
    const unknown = await refusal(runs.start({ task: 'x', team: 'nope', by: 'test' }));
    expect([unknown.code, unknown.context.field]).toEqual(['unknown_team', 'team']);
    const cost = await refusal(runs.start({ task: 'x', maxCostUsd: -1, by: 'test' }));
    expect(cost.context.field).toBe('maxCostUsd');
    const agent = await refusal(runs.start({ task: 'x', agent: 'nobody', by: 'test' }));
    expect([agent.code, agent.context.field]).toEqual(['unknown_agent', 'agent']);
    inactive.add('coder');
    const off = await refusal(runs.start({ task: 'x', team: 'duo', by: 'test' }));
    expect(off.code).toBe('agent_inactive');
    expect(off.message).toContain('"coder"');
    expect(await store.listRuns()).toEqual([]);
  });

  it('runs one agent alone as team agent:<id>', async () => {
    const started = await runs.start({ task: 'Plan a CSV parser', agent: 'planner', by: 'test' });
    const done = await started.done;
    if (!('state' in done)) throw done.error;
    expect(done.state.team).toBe('agent:planner');
    expect(done.state.status).toBe('succeeded');
    expect(done.state.transcript.map((message) => message.agentId)).toEqual(['planner']);
  });

  it('cancels a run it executes, and resumes it to the end', async () => {
    sim.configure({ latencyMs: 60_000 });
    const started = await runs.start({ task: 'Write a slugify function', team: 'duo', by: 'test' });
    expect(runs.isExecuting(started.runId)).toBe(true);
    const summary = await runs.cancel(started.runId, 'test');
    expect(summary.status).toBe('cancelled');
    const notActive = await refusal(runs.cancel(started.runId, 'test'));
    expect(notActive.code).toBe('run_not_active');
    expect((await refusal(runs.cancel('run_nope', 'test'))).code).toBe('run_not_found');

    sim.configure({ latencyMs: 0 });
    const resumed = await runs.resume(started.runId, 'test');
    const done = await resumed.done;
    expect('state' in done && done.state.status).toBe('succeeded');
    expect((await refusal(runs.resume(started.runId, 'test'))).code).toBe('run_finished');
  });

  it('records a decision and continues the run here, or says other approvals still wait', async () => {
    const gated = await runs.start({ task: 'Write a slugify function', team: 'gated', by: 'test' });
    const paused = await gated.done;
    expect('state' in paused && paused.state.status).toBe('awaiting_approval');
    const live = follow(gated.runId, finished);
    const decided = await runs.decide({ runId: gated.runId, decision: 'approved', decidedBy: 'key:alice' });
    expect(decided.continuation).toBe('continuing');
    expect(decided.decision).toMatchObject({ type: 'approval.decided', decidedBy: 'key:alice' });
    const seen = await live;
    expect(seen[0]).toMatchObject({ kind: 'event', event: { type: 'approval.decided' } });
    expect((await store.getRun(gated.runId))?.status).toBe('succeeded');

    const fan = await runs.start({ task: 'Write a slugify function', team: 'fan', by: 'test' });
    await fan.done;
    const [first] = await store.approvals({ runId: fan.runId, status: 'pending' });
    const partial = await runs.decide({
      runId: fan.runId,
      decision: 'rejected',
      approvalId: first!.approvalId,
      comment: 'again',
    });
    expect(partial.continuation).toBe('approvals_pending');
    expect(runs.isExecuting(fan.runId)).toBe(false);
    const again = await refusal(
      runs.decide({ runId: fan.runId, decision: 'approved', approvalId: first!.approvalId }),
    );
    expect(again.code).toBe('approval_not_pending');
  });

  it('close aborts the runs in flight and waits for them', async () => {
    sim.configure({ latencyMs: 60_000 });
    const started = await runs.start({ task: 'Write a slugify function', team: 'duo', by: 'test' });
    await runs.close();
    expect((await store.getRun(started.runId))?.status).toBe('cancelled');
    await expect(runs.start({ task: 'x', by: 'test' })).rejects.toThrow(/closed/);
  });

  it('caps a run at the lower of its own and the configured cost limit', () => {
    expect(withCostCap(config, 2).limits.maxCostUsd).toBe(2);
    const capped = withCostCap(config, 1);
    expect(withCostCap(capped, 5).limits.maxCostUsd).toBe(1);
    expect(withCostCap(capped, undefined)).toBe(capped);
  });
});
