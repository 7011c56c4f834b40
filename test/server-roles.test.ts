import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../src/runtime/api-keys.js';
import type {
  AuditEntry,
  CreatedKeyResponse,
  RunDetailResponse,
  RunStartedResponse,
  WhoAmIResponse,
} from '../src/server/api-types.js';
import type { ApiKeyRole } from '../src/store/access-store.js';
import { type ApiServer, startApiServer } from './support/api-server.js';
import { POET_YAML } from './support/server-yaml.js';

// Every role (and no key, a garbage key, a revoked key) on every mutating route and on reads, over
// real HTTP against the whole serve stack; the audit row each mutating request leaves.

const YAML = POET_YAML;

type Caller = 'anonymous' | 'garbage' | 'revoked' | ApiKeyRole;
const CALLERS: readonly Caller[] = ['anonymous', 'garbage', 'revoked', 'viewer', 'operator', 'admin'];
const RANK: Record<ApiKeyRole, number> = { viewer: 0, operator: 1, admin: 2 };
const GARBAGE = `am_${'x'.repeat(32)}`;

interface RouteCase {
  method: string;
  path: () => string;
  body?: (caller: Caller) => unknown;
  /** The weakest role that may. */
  role: ApiKeyRole;
}

let server: ApiServer;
let revokedSecret: string;
let victimKeyId: string;
let finishedRunId: string;
let alertId: string;
/** Secrets handed out by POST /api/keys during the tests. */
const minted: string[] = [];

beforeAll(async () => {
  server = await startApiServer({ yaml: YAML, keys: ['admin', 'operator', 'viewer'] });
  const gone = await createApiKey(server.parts.access, { name: 'gone', role: 'admin' });
  revokedSecret = gone.secret;
  await server.parts.access.revokeKey('gone', new Date().toISOString());
  victimKeyId = (await createApiKey(server.parts.access, { name: 'victim', role: 'viewer' })).key.keyId;
  finishedRunId = await runToEnd();
  alertId = (
    await server.parts.alerts.raise({
      key: 'cpu',
      severity: 'warning',
      message: 'CPU 95%',
      at: new Date().toISOString(),
    })
  ).alert.alertId;
});
afterAll(async () => {
  await server?.close();
});

/** Starts a run as admin and waits until it has finished. */
async function runToEnd(): Promise<string> {
  const started = await server.request('/api/runs', { body: { task: 'A line about tea.', team: 'verse' } });
  expect(started.status).toBe(202);
  const { runId } = (await started.json()) as RunStartedResponse;
  for (;;) {
    const detail = (await (await server.request(`/api/runs/${runId}`)).json()) as RunDetailResponse;
    if (detail.state.status !== 'running' && !detail.executingHere) return runId;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A request as a caller: a role's key, no key, a garbage key or a revoked one. */
function requestAs(
  caller: Caller,
  path: string,
  init: { method: string; body?: unknown },
): Promise<Response> {
  const bearer = caller === 'garbage' ? GARBAGE : caller === 'revoked' ? revokedSecret : undefined;
  const as = caller === 'garbage' || caller === 'revoked' ? 'anonymous' : caller;
  return server.request(path, {
    method: init.method,
    as,
    ...(init.body !== undefined && { body: init.body }),
    ...(bearer && { headers: { authorization: `Bearer ${bearer}` } }),
  });
}

const MUTATING: readonly RouteCase[] = [
  {
    method: 'POST',
    path: () => '/api/runs',
    body: () => ({ task: 'A line about rain.', team: 'verse' }),
    role: 'operator',
  },
  { method: 'POST', path: () => `/api/runs/${finishedRunId}/cancel`, role: 'operator' },
  { method: 'POST', path: () => `/api/runs/${finishedRunId}/resume`, role: 'operator' },
  { method: 'POST', path: () => `/api/runs/${finishedRunId}/approve`, body: () => ({}), role: 'operator' },
  {
    method: 'POST',
    path: () => `/api/runs/${finishedRunId}/reject`,
    body: () => ({ comment: 'no' }),
    role: 'operator',
  },
  {
    method: 'POST',
    path: () => '/v1/chat/completions',
    body: () => ({ model: 'team:verse', messages: [{ role: 'user', content: 'A line about snow.' }] }),
    role: 'operator',
  },
  { method: 'POST', path: () => `/api/alerts/${alertId}/acknowledge`, role: 'operator' },
  { method: 'POST', path: () => `/api/alerts/${alertId}/resolve`, role: 'operator' },
  {
    method: 'POST',
    path: () => '/api/agents',
    body: (caller) => ({ id: `bard-${caller}`, systemPrompt: 'Sing.' }),
    role: 'admin',
  },
  {
    method: 'PUT',
    path: () => '/api/agents/poet',
    body: () => ({ systemPrompt: 'You write short poems about the task.' }),
    role: 'admin',
  },
  { method: 'POST', path: () => '/api/agents/poet/deactivate', role: 'admin' },
  { method: 'POST', path: () => '/api/agents/poet/activate', role: 'admin' },
  {
    method: 'POST',
    path: () => '/api/keys',
    body: (caller) => ({ name: `made-by-${caller}`, role: 'viewer' }),
    role: 'admin',
  },
  { method: 'DELETE', path: () => `/api/keys/${victimKeyId}`, role: 'admin' },
];

const READS: readonly RouteCase[] = [
  { method: 'GET', path: () => '/api/runs', role: 'viewer' },
  { method: 'GET', path: () => `/api/runs/${finishedRunId}`, role: 'viewer' },
  { method: 'GET', path: () => '/v1/models', role: 'viewer' },
  { method: 'GET', path: () => '/metrics', role: 'viewer' },
  { method: 'GET', path: () => '/api/keys', role: 'admin' },
  { method: 'GET', path: () => '/api/audit', role: 'admin' },
];

/** The status a caller must get: 401 without a live key, 403 below the route's role, else the route's own. */
function expectStatus(caller: Caller, route: RouteCase, status: number, text: string): void {
  if (caller === 'anonymous' || caller === 'garbage' || caller === 'revoked') {
    expect(status, text).toBe(401);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'unauthorized' } });
  } else if (RANK[caller] < RANK[route.role]) {
    expect(status, text).toBe(403);
    expect(JSON.parse(text)).toMatchObject({ error: { code: 'forbidden' } });
    expect(JSON.parse(text).error.message).toContain(`needs role ${route.role}`);
  } else {
    expect([401, 403], `${caller} ${route.method} ${route.path()}: ${text}`).not.toContain(status);
  }
}

describe('roles on every route', () => {
  it.each(MUTATING.map((route) => [`${route.method} ${route.path()}`, route] as const))(
    '%s: 401 without a live key, 403 below %s, and one audit row per request',
    async (_name, route) => {
      for (const caller of CALLERS) {
        const newest = (await server.parts.access.auditLog({ limit: 1 }))[0]?.auditId ?? 0;
        const path = route.path();
        const body = route.body?.(caller);
        const response = await requestAs(caller, path, { method: route.method, body });
        const text = await response.text();
        expectStatus(caller, route, response.status, text);
        if (response.status === 201 && path === '/api/keys')
          minted.push((JSON.parse(text) as CreatedKeyResponse).secret);

        const rows = (await server.parts.access.auditLog({ limit: 20 })).filter(
          (row) => row.auditId > newest,
        );
        expect(rows, `${caller} ${route.method} ${path}`).toHaveLength(1);
        const keyed = caller === 'viewer' || caller === 'operator' || caller === 'admin';
        const denied = response.status === 401 || response.status === 403;
        expect(rows[0]).toMatchObject({
          actor: keyed ? `key:test-${caller}` : 'anonymous',
          role: keyed ? caller : null,
          method: route.method,
          path,
          status: response.status,
          outcome: denied ? 'denied' : response.status < 400 ? 'ok' : 'failed',
        } satisfies Partial<AuditEntry>);
        expect(rows[0]?.keyId === null).toBe(!keyed);
        const id = /^\/api\/(?:runs|agents|keys|alerts)\/([^/]+)/.exec(path)?.[1];
        if (id) expect(rows[0]?.target).toBe(id);
        // A refused request's body is never read, so it leaves no detail.
        if (denied) expect(rows[0]?.detail).toBeNull();
      }
    },
    30_000,
  );

  it.each(READS.map((route) => [`${route.method} ${route.path()}`, route] as const))(
    '%s: 401 without a live key, 403 below %s; reads leave no audit row',
    async (_name, route) => {
      const newest = (await server.parts.access.auditLog({ limit: 1 }))[0]?.auditId ?? 0;
      for (const caller of CALLERS) {
        const response = await requestAs(caller, route.path(), { method: route.method });
        expectStatus(caller, route, response.status, await response.text());
      }
      expect(
        (await server.parts.access.auditLog({ limit: 5 })).filter((row) => row.auditId > newest),
      ).toEqual([]);
    },
  );

  it('records what an allowed request did: the team of a run, the name and role of a key, the agent made', async () => {
    const { entries } = (await (await server.request('/api/audit?limit=1000')).json()) as {
      entries: AuditEntry[];
    };
    const ok = entries.filter((row) => row.outcome === 'ok');
    expect(ok).toContainEqual(
      expect.objectContaining({
        actor: 'key:test-operator',
        path: '/api/runs',
        status: 202,
        detail: '{"team":"verse"}',
      }),
    );
    expect(ok).toContainEqual(
      expect.objectContaining({
        actor: 'key:test-admin',
        path: '/api/keys',
        status: 201,
        detail: '{"name":"made-by-admin","role":"viewer"}',
      }),
    );
    expect(ok).toContainEqual(
      expect.objectContaining({ path: '/api/agents', target: 'bard-admin', status: 201 }),
    );
    expect(ok).toContainEqual(
      expect.objectContaining({
        method: 'DELETE',
        target: victimKeyId,
        status: 200,
        actor: 'key:test-admin',
      }),
    );
    expect(entries.filter((row) => row.outcome === 'denied').length).toBeGreaterThanOrEqual(
      MUTATING.length * 4,
    );
    // Newest first.
    expect(entries.map((row) => row.auditId)).toEqual(
      [...entries.map((row) => row.auditId)].sort((a, b) => b - a),
    );
  });

  it('keeps every secret out of the database (keys, audit log, runs): only their hashes are stored', async () => {
    const secrets = [
      server.keys.admin,
      server.keys.operator,
      server.keys.viewer,
      revokedSecret,
      GARBAGE,
      ...minted,
    ];
    expect(minted).toHaveLength(1);
    const bytes = readdirSync(server.dir)
      .filter((name) => name.startsWith('agentmesh.db'))
      .map((name) => readFileSync(join(server.dir, name)).toString('latin1'))
      .join('');
    expect(bytes).toContain('audit_log');
    for (const secret of secrets) {
      expect(secret).toMatch(/^am_/);
      expect(bytes.includes(secret as string), 'a key secret is in the SQLite file').toBe(false);
    }
  });
});

describe('a server without keys', () => {
  let open: ApiServer;
  beforeAll(async () => {
    open = await startApiServer({ yaml: YAML });
  });
  afterAll(async () => {
    await open?.close();
  });

  it('treats every request as the local admin, until the first key created locks it', async () => {
    expect(await (await open.request('/api/whoami')).json()).toEqual({
      actor: 'local',
      role: 'admin',
      authRequired: false,
    } satisfies WhoAmIResponse);
    expect((await open.request('/api/agents/poet/deactivate', { method: 'POST' })).status).toBe(200);
    expect((await open.request('/api/agents/poet/activate', { method: 'POST' })).status).toBe(200);
    const created = await open.request('/api/keys', { body: { name: 'first', role: 'operator' } });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as CreatedKeyResponse;

    const refused = await open.request('/api/runs');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toContain(
      'Authorization: Bearer',
    );
    const headers = { authorization: `Bearer ${secret}` };
    expect((await open.request('/api/runs', { headers })).status).toBe(200);
    expect(await (await open.request('/api/whoami', { headers })).json()).toEqual({
      actor: 'key:first',
      role: 'operator',
      authRequired: true,
    } satisfies WhoAmIResponse);
    expect((await open.request('/api/keys', { headers })).status).toBe(403);

    const log = await open.parts.access.auditLog();
    expect(log.map((row) => [row.actor, row.role, row.method, row.path, row.status, row.outcome])).toEqual([
      ['local', 'admin', 'POST', '/api/keys', 201, 'ok'],
      ['local', 'admin', 'POST', '/api/agents/poet/activate', 200, 'ok'],
      ['local', 'admin', 'POST', '/api/agents/poet/deactivate', 200, 'ok'],
    ]);
  });
});

describe('the body limit', () => {
  let small: ApiServer;
  beforeAll(async () => {
    small = await startApiServer({ yaml: YAML, keys: ['admin'], maxBodyBytes: 1000 });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('answers 413 over the limit and audits it as failed; a body under it passes', async () => {
    const over = await small.request('/api/runs', { body: { task: 'x'.repeat(2000), team: 'verse' } });
    expect(over.status).toBe(413);
    expect(await over.json()).toMatchObject({ error: { code: 'payload_too_large' } });
    expect(await small.parts.access.auditLog()).toMatchObject([
      { method: 'POST', path: '/api/runs', status: 413, outcome: 'failed', detail: null },
    ]);
    const under = await small.request('/api/runs', { body: { task: 'A line about tea.', team: 'verse' } });
    expect(under.status).toBe(202);
    expect((await small.parts.access.auditLog())[0]).toMatchObject({
      status: 202,
      outcome: 'ok',
      actor: 'key:test-admin',
    });
  });
});
