import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServerEnv } from './server-env.js';
import { type RunningServer, startServer } from './start-server.js';
import { defaultWebDir, webRoutes } from './web-routes.js';

/** GET with the path sent exactly as written (fetch would normalise `..` segments away). */
function rawGet(
  url: string,
  path: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((done, fail) => {
    const { hostname, port } = new URL(url);
    const req = httpRequest({ hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => done({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

function serve(dir: string): Promise<RunningServer> {
  const app = new Hono<ServerEnv>();
  app.get('/api/known', (c) => c.json({ ok: true }));
  app.route('/', webRoutes({ dir }));
  return startServer(app, { port: 0, host: '127.0.0.1' });
}

describe('webRoutes', () => {
  let root: string;
  let server: RunningServer;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'agentmesh-web-'));
    await mkdir(join(root, 'web', 'assets'), { recursive: true });
    await writeFile(
      join(root, 'web', 'index.html'),
      '<!doctype html><title>dash</title><div id="root"></div>',
    );
    await writeFile(join(root, 'web', 'assets', 'index-abc123.js'), 'console.log("app")');
    await writeFile(join(root, 'web', 'assets', 'index-abc123.css'), 'body{}');
    await writeFile(join(root, 'web', 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    await writeFile(join(root, 'package.json'), '{"name":"outside-secret"}');
    server = await serve(join(root, 'web'));
  });

  afterAll(async () => {
    await server.close();
    await rm(root, { recursive: true, force: true });
  });

  it('serves hashed assets with their content type as immutable', async () => {
    const response = await fetch(`${server.url}/assets/index-abc123.js`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('cache-control')).toContain('immutable');
    expect(await response.text()).toBe('console.log("app")');
    const css = await fetch(`${server.url}/assets/index-abc123.css`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves index.html at / and for client routes, never cached without revalidation', async () => {
    for (const path of ['/', '/index.html', '/runs/abc', '/agents/coder/edit']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toContain('<title>dash</title>');
    }
    const favicon = await fetch(`${server.url}/favicon.svg`);
    expect(favicon.headers.get('content-type')).toBe('image/svg+xml');
    expect(favicon.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 404 for a missing asset instead of the page', async () => {
    const response = await fetch(`${server.url}/assets/gone-123.js`);
    expect(response.status).toBe(404);
  });

  it('leaves /api, /v1, /health and /metrics to the API (an unknown path there is not the page)', async () => {
    expect(await (await fetch(`${server.url}/api/known`)).json()).toEqual({ ok: true });
    for (const path of ['/api/unknown', '/v1/nothing', '/health', '/metrics']) {
      const response = await fetch(`${server.url}${path}`);
      expect(response.status, path).toBe(404);
      expect(await response.text(), path).not.toContain('<title>dash</title>');
    }
  });

  it('never serves a file outside its directory, however the path is encoded', async () => {
    const attempts = [
      '/..%2f..%2fpackage.json',
      '/..%2fpackage.json',
      '/../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/%2e%2e/package.json',
      '/..%5cpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '/assets/%00.js',
    ];
    for (const path of attempts) {
      const response = await rawGet(server.url, path);
      expect(response.body, path).not.toContain('outside-secret');
      expect(response.body, path).not.toContain('root:');
      expect([200, 400, 404], path).toContain(response.status);
    }
  });

  it('answers 503 with how to build it when the dashboard is not built', async () => {
    const missing = await serve(join(root, 'nowhere'));
    try {
      const response = await fetch(`${missing.url}/runs`);
      expect(response.status).toBe(503);
      expect(await response.text()).toContain('The dashboard is not built: run <code>npm run build</code>');
    } finally {
      await missing.close();
    }
  });
});

describe('defaultWebDir', () => {
  const packageRoot = resolve(fileURLToPath(new URL('../..', import.meta.url)));

  it('finds dist/web of the package from the source tree and from the built tree', () => {
    expect(defaultWebDir()).toBe(join(packageRoot, 'dist', 'web'));
    expect(defaultWebDir(join(packageRoot, 'dist', 'server', 'web-routes.js'))).toBe(
      join(packageRoot, 'dist', 'web'),
    );
  });
});
