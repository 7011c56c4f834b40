import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadConfigFile, resolveConfig } from '../src/config/index.js';
import { openServerParts, type ServerParts } from '../src/runtime/open-server.js';
import type {
  AgentListResponse,
  AgentView,
  RunDetailResponse,
  RunStartedResponse,
} from '../src/server/api-types.js';
import { createServer } from '../src/server/create-server.js';
import type { HttpErrorBody } from '../src/server/http-errors.js';
import { startServer } from '../src/server/start-server.js';
import { type ApiServer, startApiServer } from './support/api-server.js';
import { POET_YAML } from './support/server-yaml.js';

// /api/agents over real HTTP: the whole serve stack on a SQLite file, every agent answered by the simulator.

const YAML = POET_YAML;

let server: ApiServer;
beforeAll(async () => {
  server = await startApiServer({ yaml: YAML });
});
afterAll(async () => {
  await server.close();
});

const json = async <T>(response: Response, status: number): Promise<T> => {
  const body = await response.text();
  expect(response.status, body).toBe(status);
  return JSON.parse(body) as T;
};
const errorOf = async (response: Response, status: number) =>
  (await json<HttpErrorBody>(response, status)).error;

/** Starts a run over POST /api/runs and reads it back once it has finished. */
async function runToEnd(body: { task: string; team: string }): Promise<RunDetailResponse> {
  const { runId } = await json<RunStartedResponse>(await server.request('/api/runs', { body }), 202);
  for (;;) {
    const detail = await json<RunDetailResponse>(await server.request(`/api/runs/${runId}`), 200);
    if (detail.state.status !== 'running' && !detail.executingHere) return detail;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('/api/agents', () => {
  it('lists built-in and file agents with source, version and teams', async () => {
    const { agents } = await json<AgentListResponse>(await server.request('/api/agents'), 200);
    const poet = agents.find((agent) => agent.config.id === 'poet');
    expect(poet).toMatchObject({ source: 'file', active: true, version: 0, teams: ['verse'] });
    expect(agents.find((agent) => agent.config.id === 'critic')).toMatchObject({ source: 'builtin' });
    const one = await json<AgentView>(await server.request('/api/agents/poet'), 200);
    expect(one.config.systemPrompt).toBe('You write short poems about the task.');
  });

  it('creates an agent (201), validated as agentmesh.yaml is, and lists it as from the API', async () => {
    const created = await json<AgentView>(
      await server.request('/api/agents', {
        body: { id: 'bard', role: 'writer', systemPrompt: 'You sing the task.', temperature: 0.4 },
      }),
      201,
    );
    expect(created).toMatchObject({ source: 'api', version: 1, active: true });
    expect(created.config).toMatchObject({
      id: 'bard',
      temperature: 0.4,
      systemPrompt: 'You sing the task.',
    });
    const { agents } = await json<AgentListResponse>(await server.request('/api/agents'), 200);
    expect(agents.map((agent) => agent.config.id)).toContain('bard');
  });

  it('answers 400 naming the field for a bad temperature, an unknown model or tool, a bad id or body', async () => {
    const bad = [
      [{ id: 'x1', systemPrompt: 'p', temperature: 5 }, 'agents.x1.temperature'],
      [{ id: 'x2', systemPrompt: 'p', model: 'nowhere:model' }, 'agents.x2.model'],
      [{ id: 'x3', systemPrompt: 'p', tools: ['read_fil'] }, 'agents.x3.tools[0]'],
      [{ id: 'x4', systemPrompt: 'p', colour: 'red' }, 'agents.x4.colour'],
      [{ id: 'x5' }, 'agents.x5'],
    ] as const;
    for (const [body, field] of bad) {
      const error = await errorOf(await server.request('/api/agents', { body }), 400);
      expect(error).toMatchObject({ code: 'config_invalid', field });
      expect(error.message).not.toContain('\n');
    }
    const tool = await errorOf(
      await server.request('/api/agents', { body: { id: 'x3', systemPrompt: 'p', tools: ['read_fil'] } }),
      400,
    );
    expect(tool.message).toContain('did you mean "read_file"');
    for (const id of ['', '1abc', 'has space', 'a'.repeat(65), 7]) {
      const error = await errorOf(
        await server.request('/api/agents', { body: { id, systemPrompt: 'p' } }),
        400,
      );
      expect(error).toMatchObject({ code: 'usage', field: 'id' });
    }
    expect(await errorOf(await server.request('/api/agents', { body: 'not json' }), 400)).toMatchObject({
      code: 'usage',
      field: 'body',
    });
    expect(
      await errorOf(await server.request('/api/agents/poet', { method: 'PUT', body: '[1]' }), 400),
    ).toMatchObject({
      code: 'usage',
      field: 'body',
    });
    const put = await errorOf(
      await server.request('/api/agents/poet', {
        method: 'PUT',
        body: { systemPrompt: 'p', expectedVersion: -1 },
      }),
      400,
    );
    expect(put).toMatchObject({ code: 'usage', field: 'expectedVersion' });
    // Nothing refused was stored.
    const { agents } = await json<AgentListResponse>(await server.request('/api/agents'), 200);
    expect(agents.filter((agent) => /^x\d$/.test(agent.config.id))).toEqual([]);
  });

  it('answers 404 for an unknown agent and 409 for a taken id or a stale expectedVersion', async () => {
    expect(await errorOf(await server.request('/api/agents/ghost'), 404)).toMatchObject({
      code: 'agent_not_found',
    });
    expect(
      await errorOf(
        await server.request('/api/agents/ghost', { method: 'PUT', body: { systemPrompt: 'p' } }),
        404,
      ),
    ).toMatchObject({ code: 'agent_not_found' });
    expect(
      await errorOf(await server.request('/api/agents/ghost/deactivate', { method: 'POST' }), 404),
    ).toMatchObject({
      code: 'agent_not_found',
    });
    for (const id of ['poet', 'critic']) {
      const error = await errorOf(
        await server.request('/api/agents', { body: { id, systemPrompt: 'p' } }),
        409,
      );
      expect(error.code).toBe('agent_exists');
    }
    const first = await json<AgentView>(
      await server.request('/api/agents/critic', {
        method: 'PUT',
        body: { temperature: 0.2, expectedVersion: 0 },
      }),
      200,
    );
    expect(first).toMatchObject({ source: 'api', version: 1 });
    const stale = await errorOf(
      await server.request('/api/agents/critic', {
        method: 'PUT',
        body: { temperature: 0.3, expectedVersion: 0 },
      }),
      409,
    );
    expect(stale.code).toBe('agent_exists');
    expect((await json<AgentView>(await server.request('/api/agents/critic'), 200)).config.temperature).toBe(
      0.2,
    );
  });

  it('applies a new systemPrompt to the next run without a restart', async () => {
    const before = await runToEnd({ task: 'Describe autumn leaves', team: 'verse' });
    expect(before.state.status).toBe('succeeded');
    // The simulator answers in character when the system prompt names a role; this one names none.
    expect(before.state.output).toContain('Pin down the expected');
    const seen = server.sim.requests().length;

    const prompt = `You are the Planner of a poetry team. ${'Keep every line of the plan short and concrete. '.repeat(30)}`;
    const updated = await json<AgentView>(
      await server.request('/api/agents/poet', { method: 'PUT', body: { systemPrompt: prompt } }),
      200,
    );
    expect(updated).toMatchObject({ source: 'api', version: 1 });

    const after = await runToEnd({ task: 'Describe autumn leaves', team: 'verse' });
    expect(after.state.status).toBe('succeeded');
    expect(after.state.output).toContain('Clarify the requirements');
    const requests = server.sim.requests(seen);
    expect(requests).toHaveLength(1);
    // The longer prompt reached the simulator: it billed ~400 more prompt tokens than the first call.
    const first = server.sim.requests().find((request) => request.seq === seen);
    expect(requests[0]?.promptTokens ?? 0).toBeGreaterThan((first?.promptTokens ?? 0) + 200);
  });

  it('deactivates an agent (runs of a team using it are 409 agent_inactive) and activates it again', async () => {
    const off = await json<AgentView>(
      await server.request('/api/agents/poet/deactivate', { method: 'POST' }),
      200,
    );
    expect(off.active).toBe(false);
    expect((await json<AgentView>(await server.request('/api/agents/poet'), 200)).active).toBe(false);
    const refused = await errorOf(
      await server.request('/api/runs', { body: { task: 'A poem please', team: 'verse' } }),
      409,
    );
    expect(refused.code).toBe('agent_inactive');
    const on = await json<AgentView>(
      await server.request('/api/agents/poet/activate', { method: 'POST' }),
      200,
    );
    expect(on.active).toBe(true);
    expect((await runToEnd({ task: 'A poem please', team: 'verse' })).state.status).toBe('succeeded');
  });
});

describe('/api/agents with two servers on one database', () => {
  let other: { parts: ServerParts; url: string; close(): Promise<void> } | undefined;
  afterEach(async () => {
    await other?.close();
  });

  it("sees the other server's change after refresh()", async () => {
    const env = {};
    const overrides = { baseUrl: server.sim.url, model: 'sim-model', noCache: true, db: server.dbPath };
    const file = await loadConfigFile({ cwd: server.dir, env });
    const config = resolveConfig({ file, env, cwd: server.dir, overrides });
    const parts = await openServerParts({ config, file, env, cwd: server.dir, overrides, warn: () => {} });
    const http = await startServer(createServer(parts), { port: 0, host: '127.0.0.1' });
    other = {
      parts,
      url: http.url,
      close: async () => {
        await http.close();
        await parts.close();
      },
    };
    await json(
      await server.request('/api/agents', { body: { id: 'skald', systemPrompt: 'You recite sagas.' } }),
      201,
    );
    expect((await fetch(`${other.url}/api/agents/skald`)).status).toBe(404);
    await parts.agents.refresh();
    const seen = await json<AgentView>(await fetch(`${other.url}/api/agents/skald`), 200);
    expect(seen).toMatchObject({ source: 'api', version: 1, config: { systemPrompt: 'You recite sagas.' } });
  });
});
