import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiKey } from '../../runtime/api-keys.js';
import type { AccessStore } from '../../store/access-store.js';
import { SqliteAccessStore } from '../../store/sqlite/sqlite-access-store.js';
import { withJsonErrors } from '../http-errors.js';
import type { ServerEnv } from '../server-env.js';
import { auditMiddleware } from './audit-middleware.js';
import { authMiddleware } from './auth-middleware.js';

const NOW = new Date('2026-11-21T10:00:00.000Z');

/** The server's order: audit, body limit, auth, routes. */
function smallServer(access: AccessStore, { audit = access, reports = [] as string[] } = {}) {
  const app = new Hono<ServerEnv>();
  app.use(auditMiddleware({ access: audit, now: () => NOW, report: (line) => reports.push(line) }));
  app.use(bodyLimit({ maxSize: 200, onError: (c) => c.json({ error: { code: 'payload_too_large' } }, 413) }));
  app.use(authMiddleware({ access }));
  app.get('/api/runs', (c) => c.json({ runs: [] }));
  app.post('/api/runs', async (c) => {
    const body = (await c.req.json()) as { task?: unknown };
    if (typeof body.task !== 'string') return c.json({ error: { code: 'usage' } }, 400);
    return c.json({ runId: 'run_1' }, 202);
  });
  app.post('/api/runs/:id/cancel', (c) => c.json({ runId: c.req.param('id') }, 202));
  app.post('/api/agents', async (c) => c.json(await c.req.json(), 201));
  return withJsonErrors(app, { routes: 'test routes' });
}

describe('auditMiddleware', () => {
  let access: SqliteAccessStore;
  beforeEach(() => {
    access = SqliteAccessStore.open({ path: ':memory:' });
  });
  afterEach(async () => {
    await access.close();
  });

  const post = (app: Hono<ServerEnv>, path: string, body: unknown, secret?: string) =>
    app.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret && { authorization: `Bearer ${secret}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });

  it('writes one row per mutating request with actor, key, role, target, status, outcome and small facts', async () => {
    const { key, secret } = await createApiKey(access, { name: 'ci', role: 'operator' });
    const app = smallServer(access);
    expect((await post(app, '/api/runs', { task: 'write a haiku', team: 'poets' }, secret)).status).toBe(202);
    expect((await post(app, '/api/runs/run_7/cancel', {}, secret)).status).toBe(202);
    const [cancel, start] = await access.auditLog();
    expect(start).toEqual({
      auditId: start?.auditId,
      at: NOW.toISOString(),
      actor: 'key:ci',
      keyId: key.keyId,
      role: 'operator',
      method: 'POST',
      path: '/api/runs',
      target: null,
      status: 202,
      outcome: 'ok',
      detail: '{"team":"poets"}',
    });
    expect(start?.detail).not.toContain('haiku');
    expect(cancel).toMatchObject({ path: '/api/runs/run_7/cancel', target: 'run_7', outcome: 'ok' });
  });

  it('does not audit reads', async () => {
    const app = smallServer(access);
    expect((await app.request('/api/runs')).status).toBe(200);
    expect(await access.auditLog()).toEqual([]);
  });

  it('audits refusals: 401 as anonymous denied, 403 under the refused key, 400 as failed', async () => {
    const { secret } = await createApiKey(access, { name: 'reader', role: 'viewer' });
    const app = smallServer(access);
    expect((await post(app, '/api/runs', { task: 'x' })).status).toBe(401);
    expect((await post(app, '/api/runs', { task: 'x' }, secret)).status).toBe(403);
    const { secret: admin } = await createApiKey(access, { name: 'root', role: 'admin' });
    expect((await post(app, '/api/runs', { task: 7 }, admin)).status).toBe(400);
    const rows = (await access.auditLog()).reverse();
    expect(rows.map((r) => [r.actor, r.role, r.status, r.outcome])).toEqual([
      ['anonymous', null, 401, 'denied'],
      ['key:reader', 'viewer', 403, 'denied'],
      ['key:root', 'admin', 400, 'failed'],
    ]);
  });

  it('audits a body over the limit (refused before auth) as anonymous and failed, without reading it', async () => {
    const app = smallServer(access);
    const response = await post(app, '/api/runs', { task: 'x'.repeat(500), team: 'poets' });
    expect(response.status).toBe(413);
    expect(await access.auditLog()).toMatchObject([
      { actor: 'anonymous', status: 413, outcome: 'failed', detail: null, path: '/api/runs' },
    ]);
  });

  it('records the local admin while no key exists, and an agent id from a create body as the target', async () => {
    const app = smallServer(access);
    expect((await post(app, '/api/agents', { id: 'poet', model: 'sim-model' })).status).toBe(201);
    expect(await access.auditLog()).toMatchObject([
      { actor: 'local', keyId: null, role: 'admin', target: 'poet', detail: '{"model":"sim-model"}' },
    ]);
  });

  it('answers as usual when the audit row cannot be written, and reports that once until a write succeeds', async () => {
    const broken = SqliteAccessStore.open({ path: ':memory:' });
    await broken.close();
    const reports: string[] = [];
    const app = smallServer(access, { audit: broken, reports });
    expect((await post(app, '/api/runs', { task: 'a' })).status).toBe(202);
    expect((await post(app, '/api/runs', { task: 'b' })).status).toBe(202);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatch(/^Cannot write the audit row for POST \/api\/runs \(202\): /);
    expect(reports[0]).not.toContain('\n');
  });
});
