import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../runtime/api-keys.js';
import { SqliteAccessStore } from '../../store/sqlite/sqlite-access-store.js';
import { withJsonErrors } from '../http-errors.js';
import type { ServerEnv } from '../server-env.js';
import { authMiddleware } from './auth-middleware.js';

describe('authMiddleware', () => {
  let access: SqliteAccessStore;
  let clock: Date;
  let app: Hono<ServerEnv>;

  beforeEach(() => {
    access = SqliteAccessStore.open({ path: ':memory:' });
    clock = new Date('2026-11-21T10:00:00.000Z');
    app = new Hono<ServerEnv>();
    app.use(authMiddleware({ access, now: () => clock }));
    app.get('/health', (c) => c.json({ principal: c.get('principal') ?? null }));
    app.get('/api/runs', (c) => c.json({ principal: c.get('principal') }));
    app.post('/api/runs', (c) => c.json({ principal: c.get('principal') }, 202));
    app.post('/api/keys', (c) => c.json({ principal: c.get('principal') }, 201));
    withJsonErrors(app, { routes: 'test routes' });
  });
  afterEach(async () => {
    await access.close();
  });

  const call = (path: string, { method = 'GET', secret }: { method?: string; secret?: string } = {}) =>
    app.request(path, { method, headers: secret ? { authorization: `Bearer ${secret}` } : {} });

  it('treats every request as the local admin while no live key exists', async () => {
    const response = await call('/api/runs', { method: 'POST' });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ principal: { kind: 'local', role: 'admin' } });
  });

  it('locks the server as soon as a first key exists, and opens it again once every key is revoked', async () => {
    expect((await call('/api/runs')).status).toBe(200);
    const { key } = await createApiKey(access, { name: 'ci', role: 'viewer' });
    const refused = await call('/api/runs');
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const body = (await refused.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('unauthorized');
    expect(body.error.message).toContain('Authorization: Bearer');
    expect(body.error.message).not.toContain('\n');
    await access.revokeKey(key.keyId, clock.toISOString());
    expect((await call('/api/runs')).status).toBe(200);
  });

  it('sets the key principal for a good key of a role that may', async () => {
    const { key, secret } = await createApiKey(access, { name: 'ci', role: 'operator' });
    const response = await call('/api/runs', { method: 'POST', secret });
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({
      principal: { kind: 'key', keyId: key.keyId, name: 'ci', role: 'operator' },
    });
  });

  it('answers 403 naming the role needed when the key may not', async () => {
    const { secret } = await createApiKey(access, { name: 'ci', role: 'operator' });
    const response = await call('/api/keys', { method: 'POST', secret });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('forbidden');
    expect(body.error.message).toMatch(/needs role admin/);
  });

  it('answers 401 alike for a garbage, a malformed and a revoked key, never echoing the secret', async () => {
    const { secret } = await createApiKey(access, { name: 'admin', role: 'admin' });
    const { secret: old } = await createApiKey(access, { name: 'old', role: 'admin' });
    await access.revokeKey('old', clock.toISOString());
    for (const headers of [
      { authorization: 'Bearer am_garbage' },
      { authorization: `Basic ${secret}` },
      { authorization: `Bearer ${old}` },
      { authorization: 'Bearer' },
    ]) {
      const response = await app.request('/api/runs', { headers });
      expect(response.status).toBe(401);
      const text = await response.text();
      expect(text).not.toContain(secret);
      expect(text).not.toContain(old);
    }
    expect((await call('/api/runs', { secret })).status).toBe(200);
  });

  it('leaves open routes open when keys exist', async () => {
    await createApiKey(access, { name: 'ci', role: 'viewer' });
    const response = await call('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ principal: null });
  });

  it('stamps lastUsedAt at most once a minute per key', async () => {
    const { secret } = await createApiKey(access, { name: 'ci', role: 'viewer' });
    const lastUsed = async () => (await access.listKeys())[0]?.lastUsedAt;
    await call('/api/runs', { secret });
    expect(await lastUsed()).toBe('2026-11-21T10:00:00.000Z');
    clock = new Date('2026-11-21T10:00:59.000Z');
    await call('/api/runs', { secret });
    expect(await lastUsed()).toBe('2026-11-21T10:00:00.000Z');
    clock = new Date('2026-11-21T10:01:00.000Z');
    await call('/api/runs', { secret });
    expect(await lastUsed()).toBe('2026-11-21T10:01:00.000Z');
  });
});
