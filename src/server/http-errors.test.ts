import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { AgentMeshError } from '../errors/index.js';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { createMetricsRegistry } from '../telemetry/metrics/metrics-registry.js';
import { createMetricsServer } from './create-server.js';
import { httpStatusOf, withJsonErrors } from './http-errors.js';

function appThrowing(error: unknown, seen: unknown[] = []): Hono {
  const app = new Hono();
  app.get('/boom', () => {
    throw error;
  });
  return withJsonErrors(app, { routes: 'GET /boom', onError: (e) => seen.push(e) });
}

describe('withJsonErrors', () => {
  it('answers an AgentMeshError with its code, its one line and the status of its code', async () => {
    const error = new AgentMeshError({
      code: 'alert_not_found',
      message: 'No alert al_1; GET /api/alerts lists them.',
    });
    const response = await appThrowing(error).request('/boom');
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'alert_not_found', message: 'No alert al_1; GET /api/alerts lists them.' },
    });
  });

  it('hides the text of any other error from the client and hands the error to onError', async () => {
    const seen: unknown[] = [];
    const error = new Error('connect failed with key sk-secret-123');
    const response = await appThrowing(error, seen).request('/boom');
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('sk-secret-123');
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'internal' } });
    expect(seen).toEqual([error]);
  });

  it('maps codes to statuses at the edge', () => {
    expect([httpStatusOf('usage'), httpStatusOf('alert_already_resolved'), httpStatusOf('store')]).toEqual([
      400, 409, 503,
    ]);
    expect(httpStatusOf('internal')).toBe(500);
  });

  it('answers a scrape of a closed store with 503 and the store error', async () => {
    const store = new MemoryRunStore();
    const app = createMetricsServer({ registry: createMetricsRegistry({ store }) });
    await store.close();
    const response = await app.request('/metrics');
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ error: { code: 'store' } });
  });
});
