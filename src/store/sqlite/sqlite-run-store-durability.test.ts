import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldRun, type RunEvent } from '../../core/index.js';
import { llmCallFromEvent } from '../llm-call-from-event.js';
import { serializeRunEvent } from '../run-event-json.js';
import { runStartedEvent, sampleRunLog } from '../sample-run-log.js';
import { applyMigrations, MIGRATIONS } from './migrations.js';
import { llmCallParams } from './sqlite-rows.js';
import { SQL, SqliteRunStore } from './sqlite-run-store.js';

const FAR = '2099-01-01T00:00:00.000Z';
const storeModule = fileURLToPath(new URL('./sqlite-run-store.ts', import.meta.url));

/**
 * Writes `logs` into a new v2 file the way the v2 store did (foreign keys on, its statements, which
 * v3 kept unchanged), plus one budget ledger row.
 */
function writeV2Database(path: string, logs: RunEvent[][]): void {
  const db = new Database(path);
  db.pragma('foreign_keys = ON');
  applyMigrations(db, { path, migrations: MIGRATIONS.filter((migration) => migration.version <= 2) });
  const run = (sql: string, params: unknown) => db.prepare(sql).run(params);
  for (const event of logs.flat()) {
    const { runId, at } = event;
    const call = llmCallFromEvent(event);
    if (event.type === 'run.started') run(SQL.insertRun, { runId, task: event.task, team: event.team, at });
    else if (call) run(SQL.recordCall, call);
    else if (event.type === 'run.finished') run(SQL.finishRun, { ...event, stopReason: event.stopReason });
    else run(SQL.touchRun, { runId, at });
    const seq = db.prepare(SQL.nextSeq).pluck().get(runId) as number;
    run(SQL.insertEvent, { runId, seq, type: event.type, at, payload: serializeRunEvent(event) });
    if (call) run(SQL.insertCall, llmCallParams(call, seq));
  }
  run(
    `INSERT INTO budget_ledger (run_id, agent_id, day, reserved_usd, reserved_tokens, state, created_at, expires_at)
      VALUES ('run_v2_a', 'coder', '2026-01-01', 0.5, 100, 'reserved', @at, @at)`,
    { at: '2026-01-01T00:00:00.000Z' },
  );
  db.close();
}

/** Every row of every table that held data in v2, in a stable order (runs with their rowid). */
function dataOf(path: string): {
  runs: { rowid: number }[];
  run_events: unknown[];
  llm_calls: unknown[];
  budget_ledger: unknown[];
} {
  const db = new Database(path, { readonly: true });
  try {
    const all = <T = unknown>(sql: string) => db.prepare(sql).all() as T[];
    return {
      runs: all<{
        rowid: number;
      }>(`SELECT rowid, run_id, task, team, status, stop_reason, created_at, updated_at, prompt_tokens,
        completion_tokens, cached_tokens, reasoning_tokens, cost_usd, calls FROM runs ORDER BY rowid`),
      run_events: all('SELECT * FROM run_events ORDER BY run_id, seq'),
      llm_calls: all('SELECT * FROM llm_calls ORDER BY run_id, seq'),
      budget_ledger: all('SELECT * FROM budget_ledger ORDER BY id'),
    };
  } finally {
    db.close();
  }
}

/**
 * Runs each script in its own Node process; each opens `store` (a SqliteRunStore on the file) and then
 * waits until every process is ready, so that they really race. Resolves with what each printed, as JSON.
 */
function raceInChildProcesses(path: string, scripts: string[]): Promise<unknown[]> {
  const children = scripts.map((body) => {
    const script = `
      const { SqliteRunStore } = await import(${JSON.stringify(storeModule)});
      const store = SqliteRunStore.open({ path: ${JSON.stringify(path)} });
      process.stdout.write('ready\\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      const result = await (async () => { ${body} })();
      await store.close();
      process.stdout.write(JSON.stringify(result));
      process.stdin.destroy();
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const ready = new Promise<void>((resolve) => {
      child.stdout.on('data', (chunk) => {
        out += chunk;
        if (out.startsWith('ready\n')) resolve();
      });
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    const done = new Promise<unknown>((resolve, reject) => {
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve(JSON.parse(out.slice('ready\n'.length)))
          : reject(new Error(`child exited ${code}: ${err}`)),
      );
    });
    return { child, ready, done };
  });
  return Promise.all(children.map(({ ready }) => ready)).then(() => {
    for (const { child } of children) child.stdin.write('go\n');
    return Promise.all(children.map(({ done }) => done));
  });
}

describe('SqliteRunStore leases, approvals and schema v3', () => {
  let dir: string;
  let path: string;
  const open: SqliteRunStore[] = [];
  const openStore = () => {
    const store = SqliteRunStore.open({ path });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-durable-'));
    path = join(dir, 'runs.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('migrates a v2 file with runs in it to v3, keeping every row, rowid, index and foreign key', async () => {
    const logA = sampleRunLog({ runId: 'run_v2_a' });
    const logB = sampleRunLog({ runId: 'run_v2_b', outcome: 'failed' });
    writeV2Database(path, [sampleRunLog({ runId: 'run_v2_gone' }), logA, logB]);
    // A deleted run leaves a gap in the rowids, which the rebuild must not close up.
    const v2 = new Database(path);
    v2.pragma('foreign_keys = ON');
    v2.prepare("DELETE FROM runs WHERE run_id = 'run_v2_gone'").run();
    v2.close();
    const before = dataOf(path);
    expect(before.runs.map((row) => row.rowid)).toEqual([2, 3]);
    expect(before.run_events).toHaveLength(logA.length + logB.length);

    const store = openStore(); // opens with foreign keys on, as every store does
    expect(dataOf(path)).toStrictEqual(before);
    expect(await store.events('run_v2_a')).toStrictEqual(logA.map((event, i) => ({ ...event, seq: i + 1 })));
    const state = foldRun(logB);
    expect(await store.getRun('run_v2_b')).toMatchObject({
      status: 'failed',
      stopReason: 'agent_error:coder',
      usage: state.usage,
      calls: state.calls,
      lease: null,
    });
    // Equal start times: the run inserted last is listed first, which needs the rowids kept.
    expect((await store.listRuns()).map((run) => run.runId)).toEqual(['run_v2_b', 'run_v2_a']);
    expect(await store.lease('run_v2_a')).toStrictEqual({ owner: null, expiresAt: null, version: 0 });
    await store.append({ type: 'run.paused', runId: 'run_v2_b', at: FAR, reason: 'awaiting_approval' });
    expect((await store.getRun('run_v2_b'))?.status).toBe('awaiting_approval');

    const raw = new Database(path);
    raw.pragma('foreign_keys = ON');
    const names = (type: string) =>
      (
        raw
          .prepare('SELECT name FROM sqlite_master WHERE type = ? ORDER BY name')
          .pluck()
          .all(type) as string[]
      ).filter((name) => !name.startsWith('sqlite_'));
    expect(names('table')).toEqual([
      'agent_definitions',
      'alerts',
      'api_keys',
      'approvals',
      'audit_log',
      'budget_ledger',
      'budget_totals',
      'health_probe',
      'llm_calls',
      'run_events',
      'runs',
    ]);
    expect(names('index')).toEqual([
      'alerts_by_first_seen_at',
      'alerts_by_status_first_seen_at',
      'alerts_unresolved_by_key',
      'api_keys_live_name',
      'approvals_by_status',
      'audit_log_by_at',
      'budget_ledger_in_flight',
      'llm_calls_by_at',
      'run_events_by_run_seq',
      'run_events_by_type',
      'runs_by_created_at',
      'runs_by_status_created_at',
    ]);
    for (const table of ['run_events', 'llm_calls', 'approvals']) {
      expect(raw.pragma(`foreign_key_list(${table})`), table).toMatchObject([
        { table: 'runs', on_delete: 'CASCADE' },
      ]);
    }
    expect(() =>
      raw
        .prepare(
          "INSERT INTO run_events (run_id, seq, type, at, payload) VALUES ('run_nope', 1, 'x', 'x', '{}')",
        )
        .run(),
    ).toThrow(/FOREIGN KEY constraint failed/);
    raw.prepare("DELETE FROM runs WHERE run_id = 'run_v2_a'").run();
    expect(raw.prepare("SELECT COUNT(*) FROM run_events WHERE run_id = 'run_v2_a'").pluck().get()).toBe(0);
    raw.close();
  });

  it('lets exactly one of two stores on one file win each of 100 swaps from the same version', async () => {
    const [a, b] = [openStore(), openStore()];
    await a.append(runStartedEvent('run_race'));
    const wins = { a: 0, b: 0 };
    for (let round = 0; round < 100; round++) {
      const { version } = (await b.lease('run_race'))!;
      const contenders = round % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const);
      const results = await Promise.all(
        contenders.map((name) =>
          ({ a, b })[name].swapLease('run_race', version, { owner: `host:1:${name}`, expiresAt: FAR }),
        ),
      );
      expect(results.filter(Boolean), `round ${round}`).toHaveLength(1);
      const winner = contenders[results.indexOf(true)]!;
      wins[winner]++;
      expect(await a.lease('run_race')).toStrictEqual({
        owner: `host:1:${winner}`,
        expiresAt: FAR,
        version: version + 1,
      });
    }
    expect(wins.a + wins.b).toBe(100);
    expect(wins.a).toBeGreaterThan(0);
    expect(wins.b).toBeGreaterThan(0);
  });

  it('lets exactly one of two processes win each of 100 swaps from the same version', async () => {
    await openStore().append(runStartedEvent('run_race'));
    // Each round, a process waits until the previous round is won, then swaps from that version.
    const script = (owner: string) => `
      const won = [];
      for (let round = 0; round < 100; round++) {
        while ((await store.lease('run_race')).version < round) {}
        const next = { owner: ${JSON.stringify(owner)}, expiresAt: ${JSON.stringify(FAR)} };
        if (await store.swapLease('run_race', round, next)) won.push(round);
      }
      return won;
    `;
    const won = (await raceInChildProcesses(path, [script('host:1:a'), script('host:2:b')])) as number[][];
    expect(won.flat().sort((x, y) => x - y)).toEqual([...Array(100).keys()]);
    expect((await openStore().lease('run_race'))?.version).toBe(100);
  });

  it('shows a decision made through another store instance, and refuses a second one', async () => {
    const [first, second] = [openStore(), openStore()];
    await first.append(runStartedEvent('run_apr'));
    await first.appendAll([
      {
        type: 'approval.requested',
        runId: 'run_apr',
        at: FAR,
        approvalId: 'apr_1',
        stepId: 's',
        agentId: 'coder',
      },
      { type: 'run.paused', runId: 'run_apr', at: FAR, reason: 'awaiting_approval' },
    ]);
    expect((await second.approvals({ status: 'pending' })).map((a) => a.approvalId)).toEqual(['apr_1']);
    const decided = await second.decideApproval({
      runId: 'run_apr',
      decision: 'approved',
      decidedBy: 'cli',
      at: FAR,
    });
    expect(decided.seq).toBe(4);
    expect((await first.events('run_apr')).at(-1)).toStrictEqual(decided);
    expect(await first.approvals({ runId: 'run_apr' })).toMatchObject([
      { status: 'approved', decidedBy: 'cli' },
    ]);
    await expect(
      first.decideApproval({ runId: 'run_apr', decision: 'rejected', at: FAR }),
    ).rejects.toMatchObject({
      code: 'approval_not_pending',
    });
  });

  it('lets exactly one of two processes deciding each of 50 approvals succeed, the other told why', async () => {
    const store = openStore();
    const ids = Array.from({ length: 50 }, (_, i) => `apr_${String(i).padStart(2, '0')}`);
    await store.appendAll([
      runStartedEvent('run_apr'),
      ...ids.map((approvalId) => ({
        type: 'approval.requested' as const,
        runId: 'run_apr',
        at: FAR,
        approvalId,
        stepId: `step-${approvalId}`,
        agentId: 'coder',
      })),
    ]);
    // Both processes decide approval i once approval i-1 is decided, so each approval is raced for.
    const script = (decision: string) => `
      const ids = ${JSON.stringify(ids)};
      const outcomes = [];
      for (let i = 0; i < ids.length; i++) {
        while ((await store.approvals({ runId: 'run_apr', status: 'pending' })).length > ids.length - i) {}
        try {
          await store.decideApproval({ runId: 'run_apr', approvalId: ids[i], decision: '${decision}', at: '${FAR}' });
          outcomes.push('${decision}');
        } catch (error) {
          outcomes.push(error.code);
        }
      }
      return outcomes;
    `;
    const [first, second] = (await raceInChildProcesses(path, [script('approved'), script('rejected')])) as [
      string[],
      string[],
    ];
    const decided = (await store.approvals()).map((approval) => approval.status);
    ids.forEach((id, i) => {
      const pair = [first[i], second[i]].sort();
      expect(pair, id).toEqual(
        decided[i] === 'approved'
          ? ['approval_not_pending', 'approved']
          : ['approval_not_pending', 'rejected'],
      );
    });
    const events = await store.events('run_apr');
    expect(events.filter((event) => event.type === 'approval.decided')).toHaveLength(ids.length);
  });

  it('reads and writes leases and approvals through indexes', async () => {
    await openStore().close();
    const raw = new Database(path, { readonly: true });
    // Every parameter bound to a placeholder value: the plan depends on which columns are compared.
    const plan = (sql: string) => {
      const named = Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map(([, name]) => [name, 'x']));
      const positional = (sql.match(/\?/g) ?? []).map(() => 'x');
      const params = Object.keys(named).length > 0 ? [named] : positional;
      return (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((step) => step.detail)
        .join('; ');
    };
    for (const sql of [
      SQL.lease,
      SQL.swapLease,
      SQL.renewLease,
      SQL.runStatus,
      SQL.pauseRun,
      SQL.resumeRun,
    ]) {
      expect(plan(sql), sql).toMatch(/SEARCH runs USING INDEX sqlite_autoindex_runs_1 \(run_id=\?\)/);
    }
    expect(plan(SQL.decideApproval)).toMatch(/SEARCH approvals USING INDEX sqlite_autoindex_approvals_1/);
    expect(plan(SQL.approvalsOfRun)).toMatch(/SEARCH approvals USING INDEX sqlite_autoindex_approvals_1/);
    expect(plan(SQL.approvalsByStatus)).toMatch(
      /SEARCH approvals USING INDEX approvals_by_status \(status=\?\)$/,
    );
    expect(plan(SQL.approvalsOfRunByStatus)).toMatch(/SEARCH approvals USING INDEX/);
    raw.close();
  });
});
