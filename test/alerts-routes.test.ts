import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { alertsRoutes } from '../src/server/alerts-routes.js';
import { withJsonErrors } from '../src/server/http-errors.js';
import type { AlertRecord } from '../src/store/alert-store.js';
import { SqliteAlertStore } from '../src/store/sqlite/sqlite-alert-store.js';
import { tempDir } from './support/cli.js';

// The alerts API mounted as the server mounts it (/api/alerts, JSON errors), over a SQLite alert store.

const NOW = '2026-11-21T12:00:00.000Z';

let dir: { path: string; remove(): Promise<void> };
let alerts: SqliteAlertStore;
let app: Hono;

beforeEach(async () => {
  dir = await tempDir();
  alerts = SqliteAlertStore.open({ path: `${dir.path}/agentmesh.db` });
  app = withJsonErrors(new Hono().route('/api/alerts', alertsRoutes(alerts, { now: () => new Date(NOW) })), {
    routes: '/api/alerts',
  });
});
afterEach(async () => {
  await alerts.close();
  await dir.remove();
});

const raise = async (key: string, at: string) =>
  (await alerts.raise({ key, severity: 'warning', message: `${key} high`, at })).alert;
const post = (path: string, body?: string) =>
  app.request(path, {
    method: 'POST',
    ...(body !== undefined && { body, headers: { 'content-type': 'application/json' } }),
  });

describe('/api/alerts', () => {
  it('lists alerts newest first, and by status', async () => {
    const cpu = await raise('cpu', '2026-11-21T10:00:00.000Z');
    const disk = await raise('disk', '2026-11-21T11:00:00.000Z');
    await alerts.clear('cpu', '2026-11-21T11:30:00.000Z');
    const all = await app.request('/api/alerts');
    expect(all.status).toBe(200);
    const { alerts: listed } = (await all.json()) as { alerts: AlertRecord[] };
    expect(listed.map((alert) => alert.alertId)).toEqual([disk.alertId, cpu.alertId]);
    const open = (await (await app.request('/api/alerts?status=open')).json()) as { alerts: AlertRecord[] };
    expect(open.alerts).toEqual([disk]);
  });

  it('refuses an unknown status with 400 and the statuses it knows', async () => {
    const response = await app.request('/api/alerts?status=closed');
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        code: 'usage',
        message: 'Unknown alert status "closed" in ?status=; use one of open, acknowledged, resolved.',
      },
    });
  });

  it('acknowledges by the name in the body, or as "api" when none is given', async () => {
    const a = await raise('cpu', '2026-11-21T10:00:00.000Z');
    const b = await raise('disk', '2026-11-21T10:00:00.000Z');
    const named = await post(`/api/alerts/${a.alertId}/acknowledge`, '{"by":"alice"}');
    expect(named.status).toBe(200);
    expect(await named.json()).toEqual({
      alert: { ...a, status: 'acknowledged', acknowledgedBy: 'alice', acknowledgedAt: NOW },
    });
    const anonymous = await post(`/api/alerts/${b.alertId}/acknowledge`);
    expect(((await anonymous.json()) as { alert: AlertRecord }).alert.acknowledgedBy).toBe('api');
    expect((await alerts.list({ status: 'acknowledged' })).length).toBe(2);
  });

  it('resolves once; resolving again is 409, and an unknown id 404', async () => {
    const alert = await raise('cpu', '2026-11-21T10:00:00.000Z');
    const first = await post(`/api/alerts/${alert.alertId}/resolve`, '{"by":"bob"}');
    expect(first.status).toBe(200);
    expect(((await first.json()) as { alert: AlertRecord }).alert).toMatchObject({
      status: 'resolved',
      resolvedBy: 'bob',
      resolvedAt: NOW,
    });
    const again = await post(`/api/alerts/${alert.alertId}/resolve`, '{"by":"carol"}');
    expect(again.status).toBe(409);
    expect(await again.json()).toEqual({
      error: {
        code: 'alert_already_resolved',
        message: expect.stringContaining('resolved at 2026-11-21T12:00:00.000Z (by bob)'),
      },
    });
    const ackResolved = await post(`/api/alerts/${alert.alertId}/acknowledge`);
    expect(ackResolved.status).toBe(409);
    for (const action of ['acknowledge', 'resolve']) {
      const unknown = await post(`/api/alerts/alert_nope/${action}`);
      expect(unknown.status).toBe(404);
      expect(((await unknown.json()) as { error: { code: string } }).error.code).toBe('alert_not_found');
    }
  });

  it('refuses a body that is not JSON or names nobody properly with 400, changing nothing', async () => {
    const alert = await raise('cpu', '2026-11-21T10:00:00.000Z');
    for (const body of ['{not json', '[1]', '{"by": 7}', '{"by": "  "}']) {
      const response = await post(`/api/alerts/${alert.alertId}/acknowledge`, body);
      expect(response.status, body).toBe(400);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe('usage');
    }
    expect((await alerts.list())[0]?.status).toBe('open');
  });

  it('works over real HTTP', async () => {
    const alert = await raise('cpu', '2026-11-21T10:00:00.000Z');
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as { port: number };
    try {
      const base = `http://127.0.0.1:${port}/api/alerts`;
      const acked = await fetch(`${base}/${alert.alertId}/acknowledge`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ by: 'ops' }),
      });
      expect(acked.status).toBe(200);
      const listed = (await (await fetch(`${base}?status=acknowledged`)).json()) as { alerts: AlertRecord[] };
      expect(listed.alerts.map((a) => [a.alertId, a.acknowledgedBy])).toEqual([[alert.alertId, 'ops']]);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
