import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey, hashApiKeySecret } from '../../runtime/api-keys.js';
import { SqliteAccessStore } from '../../store/sqlite/sqlite-access-store.js';
import type { CreatedKeyResponse, WhoAmIResponse } from '../api-types.js';
import { withJsonErrors } from '../http-errors.js';
import type { ServerEnv } from '../server-env.js';
import { accessRoutes } from './access-routes.js';
import { auditMiddleware } from './audit-middleware.js';
import { authMiddleware } from './auth-middleware.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');

describe('accessRoutes', () => {
  let access: SqliteAccessStore;
  let app: Hono<ServerEnv>;
  beforeEach(() => {
    access = SqliteAccessStore.open({ path: ':memory:' });
    app = new Hono<ServerEnv>();
    app.use(auditMiddleware({ access }));
    app.use(authMiddleware({ access }));
    app.route('/api', accessRoutes({ access, now: () => NOW }));
    withJsonErrors(app, { routes: 'test routes' });
  });
  afterEach(async () => {
    await access.close();
  });

  const call = (path: string, init: { method?: string; body?: unknown; secret?: string } = {}) =>
    app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers: {
        'content-type': 'application/json',
        ...(init.secret && { authorization: `Bearer ${init.secret}` }),
      },
      ...(init.body !== undefined && {
        body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body),
      }),
    });

  it('says who you are: the local admin without keys, the key and its role with one', async () => {
    expect(await (await call('/api/whoami')).json()).toEqual({
      actor: 'local',
      role: 'admin',
      authRequired: false,
    } satisfies WhoAmIResponse);
    const { secret } = await createApiKey(access, { name: 'ci', role: 'viewer' });
    expect(await (await call('/api/whoami', { secret })).json()).toEqual({
      actor: 'key:ci',
      role: 'viewer',
      authRequired: true,
    } satisfies WhoAmIResponse);
  });

  it('creates a key (201, secret once), lists it without the secret, and revokes it by id', async () => {
    const created = await call('/api/keys', { body: { name: 'deploy', role: 'operator' } });
    expect(created.status).toBe(201);
    const { key, secret } = (await created.json()) as CreatedKeyResponse;
    expect(key).toMatchObject({ name: 'deploy', role: 'operator', createdAt: '2026-11-21T10:00:00.000Z' });
    expect(await access.findLiveKeyByHash(hashApiKeySecret(secret))).toEqual(key);
    // The server is locked now: the same call without a key is refused.
    expect((await call('/api/keys')).status).toBe(401);
    const { secret: admin } = await createApiKey(access, { name: 'root', role: 'admin', now: () => NOW });
    const listed = await call('/api/keys', { secret: admin });
    const text = await listed.text();
    expect(text).not.toContain(secret);
    expect((JSON.parse(text) as { keys: { name: string }[] }).keys.map((k) => k.name)).toEqual([
      'root',
      'deploy',
    ]);
    const revoked = await call(`/api/keys/${key.keyId}`, { method: 'DELETE', secret: admin });
    expect(revoked.status).toBe(200);
    expect(await revoked.json()).toMatchObject({
      key: { keyId: key.keyId, revokedAt: '2026-11-21T10:00:00.000Z' },
    });
    expect((await call('/api/whoami', { secret })).status).toBe(401);
    expect((await call(`/api/keys/${key.keyId}`, { method: 'DELETE', secret: admin })).status).toBe(404);
  });

  it.each([
    ['not json', 'name', undefined],
    [{ role: 'viewer' }, 'name', 'name'],
    [{ name: 'ci' }, 'role', 'role'],
    [{ name: 'has space', role: 'viewer' }, 'name', 'name'],
    [{ name: 'ci', role: 'root' }, 'role', 'role'],
  ])('answers 400 for the key request %j', async (body, _about, field) => {
    const response = await call('/api/keys', { body });
    expect(response.status).toBe(400);
    const { error } = (await response.json()) as { error: { code: string; field?: string } };
    expect(error.code).toBe('usage');
    expect(error.field).toBe(field);
    expect(await access.listKeys()).toEqual([]);
  });

  it('answers 400 naming the field for a second live key of the same name', async () => {
    await call('/api/keys', { body: { name: 'ci', role: 'viewer' } });
    const { secret } = await createApiKey(access, { name: 'root', role: 'admin' });
    const again = await call('/api/keys', { body: { name: 'ci', role: 'admin' }, secret });
    expect(again.status).toBe(400);
    expect(await again.json()).toMatchObject({ error: { code: 'usage', field: 'name' } });
  });

  it('pages through the audit log newest first, and refuses a bad limit', async () => {
    for (const name of ['a', 'b', 'c']) await call('/api/keys', { body: { name, role: 'viewer' } });
    const { secret } = await createApiKey(access, { name: 'root', role: 'admin' });
    const first = (await (await call('/api/audit?limit=2', { secret })).json()) as {
      entries: { auditId: number; status: number; detail: string | null }[];
    };
    // The first key locked the server, so only "a" was created; "b" and "c" were refused unread.
    expect(first.entries.map((e) => [e.status, e.detail])).toEqual([
      [401, null],
      [401, null],
    ]);
    const next = (await (
      await call(`/api/audit?before=${first.entries[1]?.auditId}`, { secret })
    ).json()) as { entries: { detail: string; status: number }[] };
    expect(next.entries).toMatchObject([{ detail: '{"name":"a","role":"viewer"}', status: 201 }]);
    for (const query of ['limit=0', 'limit=x', 'limit=1001', 'before=-1']) {
      const response = await call(`/api/audit?${query}`, { secret });
      expect(response.status).toBe(400);
    }
  });
});
