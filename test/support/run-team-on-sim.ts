import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parseConfigText, resolveConfig } from '../../src/config/index.js';
import { foldRun, type RunEvent, type RunState } from '../../src/core/index.js';
import { LlmGateway } from '../../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../../src/llm/providers/openai-compatible-provider.js';
import { runTask } from '../../src/runtime/run-task.js';
import { SqliteRunStore } from '../../src/store/sqlite/sqlite-run-store.js';

/** A request as the simulator received it: the role it answered and the speakers it was shown. */
export interface SeenRequest {
  role: string;
  /** `[agent]` labels of other agents' messages, in order. */
  labels: string[];
  /** The same, with `self` for the agent's own earlier answers. */
  shown: string[];
  lastMessage: string;
}

/** Options for {@link runTeamOnSim}. */
export interface RunTeamOnSimOptions {
  /** agentmesh.yaml text defining the teams. */
  yaml: string;
  team: string;
  task: string;
  simUrl: string;
  /** Receives the temporary directory made for the run, for the caller to remove. */
  onDir: (dir: string) => void;
}

/**
 * Runs `task` with `team` against the simulator over real HTTP, with a SQLite store in a fresh
 * directory; a fetch wrapper notes what each request carried. Checks the log folds to the result.
 */
export async function runTeamOnSim({
  yaml,
  team,
  task,
  simUrl,
  onDir,
}: RunTeamOnSimOptions): Promise<{ state: RunState; events: RunEvent[]; seen: SeenRequest[] }> {
  const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-team-'));
  onDir(cwd);
  const file = parseConfigText({ text: yaml, path: join(cwd, 'agentmesh.yaml'), cwd, env: {} });
  const config = resolveConfig({ file, env: {}, cwd, overrides: { baseUrl: simUrl, model: 'sim-model' } });
  config.cache.enabled = false;
  const seen: SeenRequest[] = [];
  const recordingFetch: typeof fetch = async (input, init) => {
    if (typeof init?.body === 'string') seen.push(seenRequest(JSON.parse(init.body)));
    return fetch(input, init);
  };
  const provider = new OpenAiCompatibleProvider({ config: config.providers.custom!, fetch: recordingFetch });
  const gateway = new LlmGateway({
    providers: { custom: provider },
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const store = SqliteRunStore.open({ path: join(cwd, 'runs.db') });
  try {
    const { state } = await runTask({
      config,
      task,
      team,
      store,
      gateway,
      signal: new AbortController().signal,
    });
    const events = await store.events(state.runId);
    expect(foldRun(events)).toEqual(state);
    expect(await store.getRun(state.runId)).toMatchObject({
      status: state.status,
      stopReason: state.stopReason,
    });
    return { state, events, seen };
  } finally {
    await store.close();
  }
}

function seenRequest(body: { messages: { role: string; content: string }[] }): SeenRequest {
  const system = body.messages.find((m) => m.role === 'system')?.content ?? '';
  const label = (m: { role: string; content: string }) =>
    m.role === 'user' ? /^\[([^\]\n]+)\]\n/.exec(m.content)?.[1] : undefined;
  return {
    role: /You are the (\w+)/.exec(system)?.[1]?.toLowerCase() ?? 'unknown',
    labels: body.messages.flatMap((m) => label(m) ?? []),
    shown: body.messages.slice(2).flatMap((m) => (m.role === 'assistant' ? ['self'] : (label(m) ?? []))),
    lastMessage: body.messages.at(-1)?.content ?? '',
  };
}
