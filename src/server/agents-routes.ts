import { type Context, Hono } from 'hono';
import { AgentMeshError } from '../errors/index.js';
import type { AgentRegistry } from '../runtime/agent-registry.js';
import type { AgentDefinition } from '../store/agent-definition-store.js';
import type { AgentListResponse, AgentView } from './api-types.js';
import { actorOf, type ServerEnv } from './server-env.js';

/** Agent ids the API accepts: a letter, then letters, digits, `_` or `-`, at most 64 in all. */
export const AGENT_ID_PATTERN = /^[a-z][a-z0-9_-]{0,63}$/i;

/**
 * `/api/agents`: list, get, create, update, deactivate/activate; changes apply to the next run.
 * Bad bodies are `usage` 400 naming the field; bad definitions `config_invalid` 400 naming the config field
 * (`agents.poet.temperature`); `agent_not_found` 404; `agent_exists` 409 (taken id, stale expectedVersion).
 */
export function agentsRoutes({ agents }: { agents: AgentRegistry }): Hono<ServerEnv> {
  const app = new Hono<ServerEnv>();
  const by = (c: Context<ServerEnv>) => actorOf(c.get('principal'));

  app.get('/', (c) => c.json({ agents: agents.list() } satisfies AgentListResponse));
  app.get('/:id', (c) => c.json(agents.get(c.req.param('id')) satisfies AgentView));
  app.post('/', async (c) => {
    const { id, expectedVersion: _ignored, ...definition } = await jsonObject(c);
    if (typeof id !== 'string' || !AGENT_ID_PATTERN.test(id)) {
      throw usageError(
        'id',
        `"id" must be a letter followed by up to 63 letters, digits, "_" or "-" (got ${describe(id)}); e.g. {"id": "poet", "systemPrompt": "…"}.`,
      );
    }
    return c.json(await agents.create(id, definition as AgentDefinition, by(c)), 201);
  });
  app.put('/:id', async (c) => {
    const { id, expectedVersion, ...definition } = await jsonObject(c);
    const agentId = c.req.param('id');
    if (id !== undefined && id !== agentId) {
      throw usageError(
        'id',
        `"id" in the body (${describe(id)}) differs from the path's "${agentId}"; leave it out.`,
      );
    }
    if (
      expectedVersion !== undefined &&
      !(Number.isInteger(expectedVersion) && Number(expectedVersion) >= 0)
    ) {
      throw usageError(
        'expectedVersion',
        `"expectedVersion" must be a whole number ≥ 0, the version you read (got ${describe(expectedVersion)}).`,
      );
    }
    const view = await agents.update(
      agentId,
      definition as AgentDefinition,
      by(c),
      expectedVersion as number | undefined,
    );
    return c.json(view);
  });
  app.post('/:id/deactivate', async (c) => c.json(await agents.setActive(c.req.param('id'), false, by(c))));
  app.post('/:id/activate', async (c) => c.json(await agents.setActive(c.req.param('id'), true, by(c))));
  return app;
}

/** The body as a JSON object, or a `usage` 400 naming `body`. */
async function jsonObject(c: Context<ServerEnv>): Promise<Record<string, unknown>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await c.req.text());
  } catch {
    throw usageError(
      'body',
      'The request body is not JSON; send an agent definition such as {"systemPrompt": "…"}.',
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw usageError(
      'body',
      'The request body must be a JSON object: an agent definition such as {"systemPrompt": "…"}.',
    );
  }
  return parsed as Record<string, unknown>;
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value).slice(0, 80);
}

function usageError(field: string, message: string): AgentMeshError {
  return new AgentMeshError({ code: 'usage', message, context: { field } });
}
