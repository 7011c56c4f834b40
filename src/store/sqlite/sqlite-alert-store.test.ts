import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeAlertStoreContract } from '../alert-store.contract.js';
import { SqliteAlertStore } from './sqlite-alert-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

describeAlertStoreContract('SqliteAlertStore (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmesh-alerts-'));
  return {
    store: SqliteAlertStore.open({ path: join(dir, 'agentmesh.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeAlertStoreContract('SqliteAlertStore (:memory:)', async () => ({
  store: SqliteAlertStore.open({ path: ':memory:' }),
}));

describe('SqliteAlertStore', () => {
  let dir: string;
  const open: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-alerts-'));
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps its alerts in the run store's database file, across reopening", async () => {
    const path = join(dir, 'agentmesh.db');
    const runs = track(SqliteRunStore.open({ path }));
    const first = SqliteAlertStore.open({ path });
    const { alert } = await first.raise({
      key: 'cpu',
      severity: 'warning',
      message: 'CPU 95%',
      at: '2026-11-21T10:00:00Z',
    });
    await first.close();
    const again = track(SqliteAlertStore.open({ path }));
    expect(await again.list()).toEqual([alert]);
    expect(await runs.listRuns()).toEqual([]);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT alert_id FROM alerts').pluck().all()).toEqual([alert.alertId]);
    raw.close();
  });

  it('deduplicates a condition raised through two connections to one file (two processes)', async () => {
    const path = join(dir, 'agentmesh.db');
    const a = track(SqliteAlertStore.open({ path }));
    const b = track(SqliteAlertStore.open({ path }));
    const first = await a.raise({
      key: 'disk',
      severity: 'warning',
      message: 'disk 4% free',
      at: '2026-11-21T10:00:00Z',
    });
    const second = await b.raise({
      key: 'disk',
      severity: 'warning',
      message: 'disk 3% free',
      at: '2026-11-21T10:00:30Z',
    });
    expect(second).toMatchObject({ created: false, alert: { alertId: first.alert.alertId, occurrences: 2 } });
    expect(await a.list()).toEqual([second.alert]);
  });

  it('refuses a second unresolved alert for one key at the schema level', () => {
    const path = join(dir, 'agentmesh.db');
    track(SqliteAlertStore.open({ path }));
    const raw = new Database(path);
    const insert = raw.prepare(`INSERT INTO alerts (alert_id, key, severity, status, message, occurrences,
      first_seen_at, last_seen_at) VALUES (?, 'cpu', 'warning', ?, 'm', 1, 't', 't')`);
    insert.run('alert_1', 'resolved');
    insert.run('alert_2', 'open');
    expect(() => insert.run('alert_3', 'acknowledged')).toThrow(/UNIQUE/);
    raw.close();
  });

  it('names the file in a one-line store error after close', async () => {
    const path = join(dir, 'agentmesh.db');
    const store = SqliteAlertStore.open({ path });
    await store.close();
    await expect(store.list()).rejects.toMatchObject({
      code: 'store',
      message: expect.stringContaining(path),
    });
  });
});
