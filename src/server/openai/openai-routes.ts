import { Hono } from 'hono';
import type { AgentRegistry } from '../../runtime/agent-registry.js';
import type { RunService, StartRunRequest } from '../../runtime/run-service.js';
import { actorOf, type ServerEnv } from '../server-env.js';
import { chatCompletion } from './chat-completion.js';
import { parseChatCompletionRequest } from './chat-completion-request.js';
import { streamChatCompletion } from './chat-completion-stream.js';
import { conversationTask } from './conversation-task.js';
import { OpenAiError, toOpenAiError } from './openai-error.js';
import { runAnswer } from './run-answer.js';

/** How often a stream says it is alive while a team works, unless told otherwise. */
export const DEFAULT_KEEP_ALIVE_MS = 10_000;

/** What `/v1` needs. */
export interface OpenAiRoutesDeps {
  runs: RunService;
  agents: AgentRegistry;
  /** Kept for the contract; the answer comes from the run itself. */
  /** @default DEFAULT_KEEP_ALIVE_MS */
  keepAliveMs?: number;
  now?: () => Date;
}

/** `/v1`: the OpenAI-compatible `POST /chat/completions` and `GET /models`. */
export function openAiRoutes(deps: OpenAiRoutesDeps): Hono<ServerEnv> {
  const { runs, agents, keepAliveMs = DEFAULT_KEEP_ALIVE_MS, now = () => new Date() } = deps;
  const app = new Hono<ServerEnv>();
  const seconds = () => Math.floor(now().getTime() / 1000);

  app.get('/models', (c) =>
    c.json({ object: 'list', data: modelIds(agents).map((id) => model(id, seconds())) }),
  );
  app.get('/models/:id', (c) => {
    const id = c.req.param('id');
    if (!modelIds(agents).includes(id)) throw unknownModel(id, agents);
    return c.json(model(id, seconds()));
  });

  app.post('/chat/completions', async (c) => {
    const request = parseChatCompletionRequest(await c.req.text());
    const target = runTarget(request.model, agents);
    const task = conversationTask(request.messages);
    const by = actorOf(c.get('principal'));
    const started = await runs.start({ task, ...target, by });
    const identity = { id: `chatcmpl-${started.runId}`, model: request.model, created: seconds() };
    if (request.stream === true) {
      const soloAgent = target.agent ?? null;
      return streamChatCompletion(c, { runs, started, identity, soloAgent, keepAliveMs, by });
    }
    const { output, usage } = runAnswer(started.runId, await started.done);
    return c.json(chatCompletion(identity, output, usage));
  });

  app.onError((error, c) => {
    const { status, body } = toOpenAiError(error);
    // A failed run is not worth trying again on its own: OpenAI clients obey this header.
    if (status === 502) c.header('x-should-retry', 'false');
    return c.json(body, status);
  });
  return app;
}

/** `team:<name>` of every team, then `agent:<id>` of every active agent. */
function modelIds(agents: AgentRegistry): string[] {
  const config = agents.current();
  const inactive = agents.inactiveAgents();
  return [
    ...Object.keys(config.teams).map((name) => `team:${name}`),
    ...Object.keys(config.agents)
      .filter((id) => !inactive.has(id))
      .map((id) => `agent:${id}`),
  ];
}

function model(id: string, created: number) {
  return { id, object: 'model' as const, created, owned_by: 'agentmesh' };
}

/** What a model names: a team, or one agent alone; 404 `model_not_found` otherwise. */
function runTarget(modelId: string, agents: AgentRegistry): Pick<StartRunRequest, 'team' | 'agent'> {
  const config = agents.current();
  if (modelId.startsWith('team:') && config.teams[modelId.slice('team:'.length)] !== undefined) {
    return { team: modelId.slice('team:'.length) };
  }
  if (modelId.startsWith('agent:') && config.agents[modelId.slice('agent:'.length)] !== undefined) {
    return { agent: modelId.slice('agent:'.length) };
  }
  throw unknownModel(modelId, agents);
}

function unknownModel(modelId: string, agents: AgentRegistry): OpenAiError {
  const config = agents.current();
  const teams = Object.keys(config.teams).map((name) => `team:${name}`);
  return OpenAiError.modelNotFound(
    `The model "${modelId}" does not exist; use team:<name> (${teams.join(', ')}) or agent:<id>; GET /v1/models lists them.`,
  );
}
