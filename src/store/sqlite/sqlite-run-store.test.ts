import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentMeshError } from '../../errors/index.js';
import { describeRunStoreContract } from '../run-store.contract.js';
import { runStartedEvent, sampleRunLog } from '../sample-run-log.js';
import { applyMigrations, LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations.js';
import { SQL, SqliteRunStore } from './sqlite-run-store.js';

describeRunStoreContract('SqliteRunStore (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmesh-store-'));
  return {
    store: SqliteRunStore.open({ path: join(dir, 'runs.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeRunStoreContract('SqliteRunStore (:memory:)', async () => ({
  store: SqliteRunStore.open({ path: ':memory:' }),
}));

describe('SqliteRunStore', () => {
  let dir: string;
  const open: SqliteRunStore[] = [];
  const openStore = (path = join(dir, 'runs.db'), busyTimeoutMs?: number) => {
    const store = SqliteRunStore.open({ path, busyTimeoutMs });
    open.push(store);
    return store;
  };
  const openError = (path: string): AgentMeshError => {
    try {
      openStore(path);
    } catch (error) {
      return error as AgentMeshError;
    }
    throw new Error(`expected opening ${path} to fail`);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-store-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every event, summary and call after closing and reopening the file', async () => {
    const log = sampleRunLog({ runId: 'run_durable' });
    const first = openStore(join(dir, 'nested', 'deeper', 'runs.db'));
    for (const event of log) await first.append(event);
    const before = [
      await first.events('run_durable'),
      await first.getRun('run_durable'),
      await first.llmCalls('run_durable'),
    ];
    await first.close();

    const second = openStore(join(dir, 'nested', 'deeper', 'runs.db'));
    expect([
      await second.events('run_durable'),
      await second.getRun('run_durable'),
      await second.llmCalls('run_durable'),
    ]).toStrictEqual(before);
    expect((await second.append(runStartedEvent('run_next'))).seq).toBe(1);
  });

  it('migrates a new file once and leaves an up-to-date one alone', async () => {
    const path = join(dir, 'runs.db');
    const raw = new Database(path);
    expect(applyMigrations(raw, { path })).toEqual(MIGRATIONS.map((migration) => migration.version));
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(applyMigrations(raw, { path })).toEqual([]);
    raw.close();

    await openStore(path).close();
    await openStore(path).append(runStartedEvent('run_after_reopen'));
    const check = new Database(path, { readonly: true });
    expect(check.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    check.close();
  });

  it('applies only the migrations newer than the file, in one transaction', () => {
    const path = join(dir, 'runs.db');
    const raw = new Database(path);
    const migrations = [
      { version: 1, name: 'a', up: 'CREATE TABLE a (x)' },
      { version: 2, name: 'b', up: 'CREATE TABLE b (x)' },
      { version: 3, name: 'broken', up: 'CREATE TABLE c (x); THIS IS NOT SQL' },
    ];
    expect(applyMigrations(raw, { path, migrations: migrations.slice(0, 1) })).toEqual([1]);
    expect(() => applyMigrations(raw, { path, migrations })).toThrow();
    // The failed batch rolled back as a whole: still v1, and table b never appeared.
    expect(raw.pragma('user_version', { simple: true })).toBe(1);
    expect(raw.prepare("SELECT name FROM sqlite_master WHERE name = 'b'").get()).toBeUndefined();
    expect(applyMigrations(raw, { path, migrations: migrations.slice(0, 2) })).toEqual([2]);
    raw.close();
  });

  it('refuses a file written by a newer schema, saying which versions and what to do', () => {
    const path = join(dir, 'future.db');
    const raw = new Database(path);
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 1}`);
    raw.close();
    const error = openError(path);
    expect(error).toBeInstanceOf(AgentMeshError);
    expect(error.code).toBe('store');
    expect(error.message).toBe(
      `The run store at ${path} was written by a newer agentmesh (schema v${LATEST_SCHEMA_VERSION + 1}, this build knows v${LATEST_SCHEMA_VERSION}); upgrade agentmesh or use another --db.`,
    );
  });

  it('leaves the file in WAL mode so readers never block the writer', () => {
    const path = join(dir, 'runs.db');
    openStore(path);
    const raw = new Database(path);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('gives one store error line when the directory cannot be created', () => {
    const blocker = join(dir, 'a-file');
    writeFileSync(blocker, 'not a directory');
    const path = join(blocker, 'sub', 'runs.db');
    const error = openError(path);
    expect(error.code).toBe('store');
    expect(error.message).toMatch(
      /^Cannot open run store at .*: E(EXIST|NOTDIR) \(a file stands where its directory should be\)\. Move that file or pass --db FILE\.$/,
    );
    expect(error.message).toContain(path);
    expect(error.message).not.toContain('\n');
  });

  it('gives one store error line naming SQLITE_CANTOPEN when the path is a directory', () => {
    const error = openError(dir);
    expect(error.code).toBe('store');
    expect(error.message).toBe(
      `Cannot open run store at ${dir}: SQLITE_CANTOPEN. Check the directory is writable or pass --db FILE.`,
    );
  });

  it('says a file that is not a database is not one', () => {
    const path = join(dir, 'notes.txt');
    writeFileSync(path, 'x'.repeat(4096));
    const error = openError(path);
    expect(error.code).toBe('store');
    expect(error.message).toMatch(/^Cannot open run store at .*notes\.txt: SQLITE_NOTADB .*--db FILE\.$/);
  });

  it('says another process holds the database when a write lock times out', async () => {
    const path = join(dir, 'runs.db');
    const store = openStore(path, 50);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = await store
        .append(runStartedEvent('run_locked'))
        .catch((e: unknown) => e as AgentMeshError);
      expect(error).toMatchObject({ code: 'store', isRetryable: true });
      expect((error as AgentMeshError).message).toBe(
        `Cannot append to run store at ${path}: database is locked (SQLITE_BUSY); another process holds it. Wait for the other agentmesh process to finish or pass --db FILE.`,
      );
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect((await store.append(runStartedEvent('run_locked'))).seq).toBe(1);
  });

  it('lets two connections on one file see and continue each other’s appends', async () => {
    const path = join(dir, 'shared.db');
    const [a, b] = [openStore(path), openStore(path)];
    const [started, stepStarted, ...rest] = sampleRunLog({ runId: 'run_shared' });
    await a.append(started!);
    expect((await b.getRun('run_shared'))?.status).toBe('running');
    expect((await b.append(stepStarted!)).seq).toBe(2);
    for (const [i, event] of rest.entries()) expect((await (i % 2 ? a : b).append(event)).seq).toBe(i + 3);
    expect(await a.events('run_shared')).toStrictEqual(await b.events('run_shared'));
    expect((await a.getRun('run_shared'))?.status).toBe('succeeded');
    expect(await b.llmCalls('run_shared')).toHaveLength(3);
  });

  it('rolls back the whole append when the projection update fails', async () => {
    const store = openStore();
    await store.append(runStartedEvent('run_atomic'));
    const raw = new Database(store.path);
    raw.exec("CREATE TRIGGER no_calls BEFORE INSERT ON llm_calls BEGIN SELECT RAISE(ABORT, 'boom'); END");
    raw.close();
    const [, stepStarted, failed] = sampleRunLog({ runId: 'run_atomic' });
    await store.append(stepStarted!);
    await expect(store.append(failed!)).rejects.toMatchObject({
      code: 'store',
      message: expect.stringContaining('boom'),
    });
    expect(await store.events('run_atomic')).toHaveLength(2);
    expect((await store.getRun('run_atomic'))?.calls).toBe(0);
  });

  it('reads calls by time and breaker events by type through their indexes', async () => {
    const path = join(dir, 'runs.db');
    await openStore(path).close();
    const raw = new Database(path, { readonly: true });
    const plan = (sql: string, ...params: unknown[]) =>
      (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
        .map((step) => step.detail)
        .join('; ');
    expect(plan(SQL.llmCallsBetween, '2026-01-01', '2026-02-01')).toMatch(/USING INDEX llm_calls_by_at/);
    expect(plan(SQL.breakerEvents)).toMatch(/USING INDEX run_events_by_type/);
    expect(plan(SQL.getRun, 'run_x')).not.toMatch(/SCAN llm_calls/);
    raw.close();
  });
});
