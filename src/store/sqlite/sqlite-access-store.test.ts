import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewApiKey } from '../access-store.js';
import { SqliteAccessStore } from './sqlite-access-store.js';
import { SqliteRunStore } from './sqlite-run-store.js';

function newKey(overrides: Partial<NewApiKey> = {}): NewApiKey {
  return {
    keyId: 'key_1',
    name: 'ci',
    role: 'viewer',
    secretHash: 'a'.repeat(64),
    prefix: 'am_abcdefg',
    createdAt: '2026-11-21T10:00:00.000Z',
    ...overrides,
  };
}

const AUDIT = {
  at: '2026-11-21T10:00:00.000Z',
  actor: 'key:ci',
  keyId: 'key_1',
  role: 'operator' as const,
  method: 'POST',
  path: '/api/runs',
  target: null,
  status: 202,
  outcome: 'ok' as const,
  detail: '{"team":"default"}',
};

describe('SqliteAccessStore', () => {
  let dir: string;
  let path: string;
  const open: { close(): Promise<void> }[] = [];
  const track = <T extends { close(): Promise<void> }>(store: T): T => {
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-access-'));
    path = join(dir, 'agentmesh.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a key and finds it live by its hash, without ever returning the hash', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    expect(await access.hasLiveKeys()).toBe(false);
    const created = await access.createKey(newKey());
    expect(created).toEqual({
      keyId: 'key_1',
      name: 'ci',
      role: 'viewer',
      prefix: 'am_abcdefg',
      createdAt: '2026-11-21T10:00:00.000Z',
      lastUsedAt: null,
      revokedAt: null,
    });
    expect(await access.hasLiveKeys()).toBe(true);
    expect(await access.findLiveKeyByHash('a'.repeat(64))).toEqual(created);
    expect(await access.findLiveKeyByHash('b'.repeat(64))).toBeUndefined();
    expect(JSON.stringify(await access.listKeys())).not.toContain('a'.repeat(64));
  });

  it('refuses a second live key with the same name (usage, field name), but allows it once revoked', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    await access.createKey(newKey());
    await expect(
      access.createKey(newKey({ keyId: 'key_2', secretHash: 'b'.repeat(64) })),
    ).rejects.toMatchObject({ code: 'usage', context: { field: 'name' } });
    await access.revokeKey('ci', '2026-11-21T11:00:00.000Z');
    const again = await access.createKey(
      newKey({ keyId: 'key_2', secretHash: 'b'.repeat(64), createdAt: '2026-11-21T12:00:00.000Z' }),
    );
    expect((await access.listKeys()).map((k) => [k.keyId, k.revokedAt])).toEqual([
      [again.keyId, null],
      ['key_1', '2026-11-21T11:00:00.000Z'],
    ]);
  });

  it('revokes by id or by name; a revoked key is no longer found, and revoking it again is not_found', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    await access.createKey(newKey());
    await access.createKey(newKey({ keyId: 'key_2', name: 'deploy', secretHash: 'b'.repeat(64) }));
    const byId = await access.revokeKey('key_1', '2026-11-21T11:00:00.000Z');
    expect(byId).toMatchObject({ keyId: 'key_1', revokedAt: '2026-11-21T11:00:00.000Z' });
    expect(await access.findLiveKeyByHash('a'.repeat(64))).toBeUndefined();
    expect(await access.hasLiveKeys()).toBe(true);
    expect(await access.revokeKey('deploy', '2026-11-21T11:00:01.000Z')).toMatchObject({ keyId: 'key_2' });
    expect(await access.hasLiveKeys()).toBe(false);
    await expect(access.revokeKey('key_1', '2026-11-21T12:00:00.000Z')).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(access.revokeKey('nobody', '2026-11-21T12:00:00.000Z')).rejects.toThrow(/keys list/);
  });

  it('an id wins over a name when revoking', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    await access.createKey(newKey({ keyId: 'key_a', name: 'key_b' }));
    await access.createKey(newKey({ keyId: 'key_b', name: 'other', secretHash: 'b'.repeat(64) }));
    expect(await access.revokeKey('key_b', '2026-11-21T11:00:00.000Z')).toMatchObject({ name: 'other' });
  });

  it('stamps lastUsedAt', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    await access.createKey(newKey());
    await access.touchKey('key_1', '2026-11-21T10:05:00.000Z');
    expect((await access.findLiveKeyByHash('a'.repeat(64)))?.lastUsedAt).toBe('2026-11-21T10:05:00.000Z');
  });

  it('appends audit rows and pages through them newest first with limit and before', async () => {
    const access = track(SqliteAccessStore.open({ path }));
    const written = [];
    for (let i = 0; i < 5; i++) written.push(await access.audit({ ...AUDIT, status: 200 + i }));
    expect(written[0]).toEqual({ ...AUDIT, status: 200, auditId: written[0]?.auditId });
    const all = await access.auditLog();
    expect(all.map((e) => e.status)).toEqual([204, 203, 202, 201, 200]);
    const page = await access.auditLog({ limit: 2 });
    expect(page.map((e) => e.status)).toEqual([204, 203]);
    const next = await access.auditLog({ limit: 2, before: page.at(-1)?.auditId ?? 0 });
    expect(next.map((e) => e.status)).toEqual([202, 201]);
  });

  it("shares the run store's database file with other connections (the CLI and serve)", async () => {
    const runs = track(SqliteRunStore.open({ path }));
    const cli = SqliteAccessStore.open({ path });
    const serve = track(SqliteAccessStore.open({ path }));
    await cli.createKey(newKey());
    await cli.close();
    expect(await serve.hasLiveKeys()).toBe(true);
    expect(await runs.listRuns()).toEqual([]);
    const raw = new Database(path, { readonly: true });
    expect(raw.prepare('SELECT name FROM api_keys').pluck().all()).toEqual(['ci']);
    raw.close();
  });

  it('fails with a one-line store error once closed', async () => {
    const access = SqliteAccessStore.open({ path: ':memory:' });
    await access.close();
    await access.close();
    await expect(access.hasLiveKeys()).rejects.toMatchObject({ code: 'store' });
  });
});
