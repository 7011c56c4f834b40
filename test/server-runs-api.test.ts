import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DecisionResponse,
  RunDetailResponse,
  RunListResponse,
  RunStartedResponse,
  TeamListResponse,
  TeamView,
  UsageResponse,
} from '../src/server/api-types.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { type ApiServer, startApiServer } from './support/api-server.js';
import { DUO_AND_GATED_YAML } from './support/server-yaml.js';

const YAML = DUO_AND_GATED_YAML;

/** Chat requests' messages as sent to the simulator (its own log keeps only a hash of the body). */
const sent: { role: string; content: unknown }[][] = [];
const realFetch = globalThis.fetch;

describe('runs API over HTTP', () => {
  let server: ApiServer;

  beforeAll(async () => {
    // Installed before the gateway is built, so the provider's client sends through it: observes, changes nothing.
    globalThis.fetch = async (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.endsWith('/chat/completions') && typeof init?.body === 'string') {
        sent.push((JSON.parse(init.body) as { messages: { role: string; content: unknown }[] }).messages);
      }
      return realFetch(input, init);
    };
    server = await startApiServer({ yaml: YAML });
  });
  afterAll(async () => {
    await server?.close();
    globalThis.fetch = realFetch;
  });

  const call = async <T = unknown>(
    path: string,
    init?: Parameters<ApiServer['request']>[1],
  ): Promise<{ status: number; body: T }> => {
    const response = await server.request(path, init);
    return { status: response.status, body: (await response.json()) as T };
  };
  type ErrorBody = { error: { code: string; message: string; field?: string } };
  const refused = async (path: string, init: Parameters<ApiServer['request']>[1] = {}) => {
    const { status, body } = await call<ErrorBody>(path, init);
    return { status, code: body.error.code, field: body.error.field, message: body.error.message };
  };
  const start = async (body: Record<string, unknown>): Promise<RunStartedResponse> => {
    const { status, body: started } = await call<RunStartedResponse>('/api/runs', { body });
    expect(status).toBe(202);
    return started;
  };
  /** Polls GET /api/runs/:id until the run has one of `statuses` and no longer executes here. */
  const settled = async (runId: string, statuses: string[]): Promise<RunDetailResponse> => {
    for (;;) {
      const { body } = await call<RunDetailResponse>(`/api/runs/${runId}`);
      if (statuses.includes(body.summary.status) && !body.executingHere) return body;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('starts a run (202 once run.started is stored) that a client follows to its end by polling', async () => {
    const started = await start({ task: 'Write a slugify function', team: 'duo' });
    expect(started.url).toBe(`/api/runs/${started.runId}`);
    expect(started.eventsUrl).toBe(`/api/runs/${started.runId}/events`);
    const stored = await server.parts.store.events(started.runId);
    expect(stored[0]?.type).toBe('run.started');
    const detail = await settled(started.runId, ['succeeded']);
    expect(detail.summary).toMatchObject({ runId: started.runId, team: 'duo', status: 'succeeded' });
    expect(detail.state.transcript.map((message) => message.agentId)).toEqual(['planner', 'coder']);
    expect(detail.state.output).toBeTruthy();
    expect(detail).toMatchObject({ approvals: [], executingHere: false, orphaned: false });
  });

  it('runs one agent alone when asked for an agent', async () => {
    const started = await start({ task: 'Plan a CSV parser', agent: 'planner' });
    const detail = await settled(started.runId, ['succeeded']);
    expect(detail.summary.team).toBe('agent:planner');
    expect(detail.state.transcript.map((message) => message.agentId)).toEqual(['planner']);
  });

  it('refuses a bad start with 400 naming the field, and a deactivated agent with 409', async () => {
    const before = (await server.parts.store.listRuns({ limit: 200 })).length;
    expect(await refused('/api/runs', { body: 'not json' })).toMatchObject({ status: 400, field: 'body' });
    expect(await refused('/api/runs', { body: [1] })).toMatchObject({ status: 400, field: 'body' });
    expect(await refused('/api/runs', { body: {} })).toMatchObject({ status: 400, field: 'task' });
    expect(await refused('/api/runs', { body: { task: 42 } })).toMatchObject({ status: 400, field: 'task' });
    expect(await refused('/api/runs', { body: { task: '   ' } })).toMatchObject({
      status: 400,
      field: 'task',
    });
    expect(await refused('/api/runs', { body: { task: 'x', team: 'nope' } })).toMatchObject({
      status: 400,
      code: 'unknown_team',
      field: 'team',
    });
    expect(await refused('/api/runs', { body: { task: 'x', team: 7 } })).toMatchObject({
      status: 400,
      field: 'team',
    });
    for (const maxCostUsd of ['1', -1, 0]) {
      expect(await refused('/api/runs', { body: { task: 'x', maxCostUsd } })).toMatchObject({
        status: 400,
        field: 'maxCostUsd',
      });
    }
    expect(await refused('/api/runs', { body: { task: 'x', agent: 'nobody' } })).toMatchObject({
      status: 400,
      field: 'agent',
    });
    await server.parts.agents.setActive('coder', false, 'test');
    try {
      const inactive = await refused('/api/runs', { body: { task: 'x', team: 'duo' } });
      expect(inactive).toMatchObject({ status: 409, code: 'agent_inactive' });
      expect(inactive.message).toContain('"coder"');
      const team = await call<TeamView>('/api/teams/duo');
      expect(team.body.inactiveAgents).toEqual(['coder']);
    } finally {
      await server.parts.agents.setActive('coder', true, 'test');
    }
    expect((await server.parts.store.listRuns({ limit: 200 })).length).toBe(before);
  });

  it('lists runs newest first in pages with a cursor, filtered by status', async () => {
    for (const task of ['first', 'second', 'third']) {
      await settled((await start({ task, team: 'duo' })).runId, ['succeeded']);
    }
    const all = await call<RunListResponse>('/api/runs?limit=200');
    expect(all.body.nextCursor).toBeNull();
    const ids = all.body.runs.map((run) => run.runId);
    expect(all.body.runs.slice(0, 3).map((run) => run.task)).toEqual(['third', 'second', 'first']);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await call<RunListResponse>(`/api/runs?limit=2${query}`);
      expect(page.status).toBe(200);
      expect(page.body.runs.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.runs.map((run) => run.runId));
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    expect(seen).toEqual(ids);

    const succeeded = await call<RunListResponse>('/api/runs?status=succeeded&limit=200');
    expect(succeeded.body.runs.length).toBeGreaterThanOrEqual(3);
    expect(succeeded.body.runs.every((run) => run.status === 'succeeded')).toBe(true);

    for (const query of ['limit=0', 'limit=201', 'limit=two']) {
      expect(await refused(`/api/runs?${query}`)).toMatchObject({ status: 400, field: 'limit' });
    }
    expect(await refused('/api/runs?status=bogus')).toMatchObject({ status: 400, field: 'status' });
    expect(await refused('/api/runs?cursor=nonsense')).toMatchObject({ status: 400, field: 'cursor' });
  });

  it('answers 404 for an unknown run on every run route', async () => {
    for (const [path, method] of [
      ['/api/runs/run_nope', 'GET'],
      ['/api/runs/run_nope/events', 'GET'],
      ['/api/runs/run_nope/cancel', 'POST'],
      ['/api/runs/run_nope/resume', 'POST'],
      ['/api/runs/run_nope/approve', 'POST'],
      ['/api/runs/run_nope/reject', 'POST'],
    ] as const) {
      expect(await refused(path, { method })).toMatchObject({ status: 404, code: 'run_not_found' });
    }
  });

  it('cancels a slow run it executes (202, cancelled), then resumes it to the end', async () => {
    server.sim.configure({ latencyMs: 60_000 });
    const started = await start({ task: 'Write a slugify function', team: 'duo' });
    const cancel = await call<{ runId: string; status: string }>(`/api/runs/${started.runId}/cancel`, {
      method: 'POST',
    });
    expect(cancel).toEqual({ status: 202, body: { runId: started.runId, status: 'cancelled' } });
    expect(await refused(`/api/runs/${started.runId}/cancel`, { method: 'POST' })).toMatchObject({
      status: 409,
      code: 'run_not_active',
    });

    server.sim.configure({ latencyMs: 0 });
    const resumed = await call<RunStartedResponse>(`/api/runs/${started.runId}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(202);
    expect(resumed.body.runId).toBe(started.runId);
    const detail = await settled(started.runId, ['succeeded']);
    expect(detail.state.transcript.map((message) => message.agentId)).toEqual(['planner', 'coder']);
    expect(await refused(`/api/runs/${started.runId}/resume`, { method: 'POST' })).toMatchObject({
      status: 409,
      code: 'run_finished',
    });
  });

  it('approves a paused step: the run continues here and finishes; a second decision is 409', async () => {
    const started = await start({ task: 'Write a slugify function', team: 'gated' });
    const paused = await settled(started.runId, ['awaiting_approval']);
    const [pending] = paused.approvals;
    expect(pending).toMatchObject({ agentId: 'coder', status: 'pending' });
    expect(await refused(`/api/runs/${started.runId}/resume`, { method: 'POST' })).toMatchObject({
      status: 409,
      code: 'run_awaiting_approval',
    });
    expect(await refused(`/api/runs/${started.runId}/approve`, { body: 'nope' })).toMatchObject({
      status: 400,
      field: 'body',
    });
    expect(await refused(`/api/runs/${started.runId}/approve`, { body: { comment: 5 } })).toMatchObject({
      status: 400,
      field: 'comment',
    });

    const approved = await call<DecisionResponse>(`/api/runs/${started.runId}/approve`, {
      body: { approvalId: pending!.approvalId, comment: 'fine' },
    });
    expect(approved).toEqual({
      status: 200,
      body: {
        runId: started.runId,
        approvalId: pending!.approvalId,
        decision: 'approved',
        continuation: 'continuing',
      },
    });
    const done = await settled(started.runId, ['succeeded']);
    expect(done.approvals[0]).toMatchObject({ status: 'approved', comment: 'fine', decidedBy: 'local' });
    expect(await refused(`/api/runs/${started.runId}/approve`, { method: 'POST' })).toMatchObject({
      status: 409,
      code: 'approval_not_pending',
    });
  });

  it('rejects a paused step: the agent gets the comment and runs again, pausing for a new decision', async () => {
    const started = await start({ task: 'Write a slugify function', team: 'gated' });
    await settled(started.runId, ['awaiting_approval']);
    const sentBefore = sent.length;
    const comment = 'Handle unicode by normalising to NFKD first.';
    const rejected = await call<DecisionResponse>(`/api/runs/${started.runId}/reject`, { body: { comment } });
    expect(rejected.body).toMatchObject({ decision: 'rejected', continuation: 'continuing' });
    const again = await settled(started.runId, ['awaiting_approval']);
    expect(again.approvals.map((approval) => approval.status)).toEqual(['rejected', 'pending']);
    const redo = sent.slice(sentBefore);
    expect(redo).toHaveLength(1);
    expect(redo[0]?.at(-1)?.content).toBe(
      `A human reviewer rejected your answer above: ${comment}\nRevise it accordingly.`,
    );
    const approved = await call<DecisionResponse>(`/api/runs/${started.runId}/approve`, { method: 'POST' });
    expect(approved.body.continuation).toBe('continuing');
    await settled(started.runId, ['succeeded']);
  });

  it('lists runs a dead process left running as orphaned, and resumes one', async () => {
    const other = SqliteRunStore.open({ path: server.dbPath });
    const runId = 'run_orphan_1';
    try {
      await other.append({
        type: 'run.started',
        runId,
        at: new Date().toISOString(),
        task: 'Write a slugify function',
        team: 'duo',
        pattern: 'pipeline',
        agents: ['planner', 'coder'],
      });
    } finally {
      await other.close();
    }
    const orphaned = await call<{ runs: { runId: string }[] }>('/api/runs/orphaned');
    expect(orphaned.body.runs.map((run) => run.runId)).toContain(runId);
    expect((await call<RunDetailResponse>(`/api/runs/${runId}`)).body).toMatchObject({
      orphaned: true,
      executingHere: false,
    });
    expect(await refused(`/api/runs/${runId}/cancel`, { method: 'POST' })).toMatchObject({
      status: 409,
      code: 'run_not_active',
    });
    expect((await call(`/api/runs/${runId}/resume`, { method: 'POST' })).status).toBe(202);
    await settled(runId, ['succeeded']);
    const after = await call<{ runs: { runId: string }[] }>('/api/runs/orphaned');
    expect(after.body.runs.map((run) => run.runId)).not.toContain(runId);
  });

  it('sums usage by agent, model and day, and refuses a bad grouping or time', async () => {
    const byAgent = await call<UsageResponse>('/api/usage?by=agent');
    expect(byAgent.body.by).toBe('agent');
    const agents = byAgent.body.rows.map((row) => row.key);
    expect(agents).toEqual(expect.arrayContaining(['planner', 'coder']));
    expect(byAgent.body.rows.find((row) => row.key === 'coder')?.calls).toBeGreaterThan(0);
    const byModel = await call<UsageResponse>('/api/usage?by=model');
    expect(byModel.body.rows.map((row) => row.key)).toEqual(['custom:sim-model']);
    const today = new Date().toISOString().slice(0, 10);
    const byDay = await call<UsageResponse>(`/api/usage?by=day&since=${today}`);
    expect(byDay.body.rows.map((row) => row.key)).toEqual([today]);
    const future = await call<UsageResponse>('/api/usage?by=day&since=2999-01-01');
    expect(future.body.rows).toEqual([]);
    expect(await refused('/api/usage?by=colour')).toMatchObject({ status: 400, field: 'by' });
    expect(await refused('/api/usage?by=day&until=yesterday')).toMatchObject({ status: 400, field: 'until' });
  });

  it('lists teams with their Mermaid graphs and shows one; 404 for an unknown team', async () => {
    const list = await call<TeamListResponse>('/api/teams');
    expect(list.body.defaultTeam).toBe('pipeline');
    const gated = list.body.teams.find((team) => team.config.id === 'gated');
    expect(gated?.config.approval).toEqual(['coder']);
    expect(gated?.mermaid.startsWith('flowchart')).toBe(true);
    expect(gated?.inactiveAgents).toEqual([]);
    const one = await call<TeamView>('/api/teams/gated');
    expect(one.body).toEqual(gated);
    expect(await refused('/api/teams/nope')).toMatchObject({ status: 404, code: 'not_found' });
  });
});
