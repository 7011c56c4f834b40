import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/index.js';
import { parseConfigText } from '../src/config/load-config.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { foldRun, type RunState } from '../src/core/index.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';

/**
 * Termination conditions on real runs: the simulator over loopback HTTP, the run log in a SQLite file.
 * A task with the word "repetitive" makes the simulated critic and summarizer repeat themselves each round.
 */

const REPETITIVE_TASK = 'Summarise the repetitive meeting notes about the parser release';
const TASK = 'Write a function that merges overlapping time intervals';

let sim: RunningSimulator;
const dirs: string[] = [];

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

async function configFrom(yaml: string): Promise<ResolvedConfig> {
  const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-termination-'));
  dirs.push(cwd);
  const file = parseConfigText({ text: yaml, path: join(cwd, 'agentmesh.yaml'), cwd, env: {} });
  const config = resolveConfig({ file, env: {}, cwd, overrides: { baseUrl: sim.url, model: 'sim-model' } });
  config.cache.enabled = false;
  return config;
}

/** Runs a team to its end with the run log in a fresh SQLite file; returns the state and the log read back. */
async function run(yaml: string, team: string, task: string): Promise<{ state: RunState; stored: RunState }> {
  const config = await configFrom(yaml);
  const gateway = new LlmGateway({
    providers: { custom: new OpenAiCompatibleProvider({ config: config.providers.custom! }) },
    retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const store = SqliteRunStore.open({ path: config.store.path });
  try {
    const { state } = await runTask({
      config,
      task,
      team,
      store,
      gateway,
      signal: new AbortController().signal,
    });
    return { state, stored: foldRun(await store.events(state.runId)) };
  } finally {
    await store.close();
  }
}

const ECHO_TEAM = (termination: string) =>
  `teams:\n  echo:\n    pattern: chat\n    agents: [planner, critic, summarizer]\n    maxRounds: 6\n    approver: null\n    termination: ${termination}\n`;

describe('termination against the simulator', () => {
  it('stops a chat whose agents repeat themselves with stopReason repetition, keeping the partial transcript', async () => {
    const { state, stored } = await run(ECHO_TEAM('{ repetition: {} }'), 'echo', REPETITIVE_TASK);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'repetition' });
    // Round 2: the critic asks for a shorter summary again, in nearly the same words.
    expect(state.transcript.map((message) => message.agentId)).toEqual([
      'planner',
      'critic',
      'summarizer',
      'planner',
      'critic',
    ]);
    expect(state.transcript[4]?.content).toMatch(/still too long.*Review number 2\.$/s);
    expect(state.output).toBe(state.transcript[4]?.content);
    expect(stored).toEqual(state);
  });

  it('with steer, gives the repeating agents an instruction and stops when one repeats after it', async () => {
    const { state, stored } = await run(
      ECHO_TEAM(
        '{ repetition: { action: steer, instruction: "Stop repeating yourself; add something new." } }',
      ),
      'echo',
      REPETITIVE_TASK,
    );
    expect(state.stopReason).toBe('repetition');
    // Critic and summarizer repeat in round 2; the critic's steered turn in round 3 repeats again,
    // which stops the run before the summarizer's steered turn.
    expect(state.transcript.map((message) => message.agentId)).toEqual([
      'planner',
      'critic',
      'summarizer',
      'planner',
      'critic',
      'summarizer',
      'planner',
      'critic',
    ]);
    const steered = state.steps.filter((step) => step.instruction?.includes('Stop repeating yourself'));
    expect(steered.map((step) => step.agentId)).toEqual(['critic']);
    expect(steered[0]?.stepId).toBe(state.transcript[7]?.stepId);
    expect(stored).toEqual(state);
  });

  it('stops the built-in chat at maxMessages, mid-round', async () => {
    const { state } = await run('teams:\n  chat:\n    termination: { maxMessages: 7 }\n', 'chat', TASK);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'max_messages' });
    expect(state.transcript.map((message) => message.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
      'planner',
      'researcher',
    ]);
    expect(state.output).toBe(state.transcript[6]?.content);
  });

  it("stops at the critic's APPROVED as soon as it is said, before the round ends", async () => {
    const { state } = await run(
      'teams:\n  chat:\n    approver: null\n    maxRounds: 5\n    termination:\n      mention: { text: APPROVED, from: critic }\n',
      'chat',
      TASK,
    );
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'mention' });
    expect(state.transcript).toHaveLength(9);
    expect(state.transcript[8]?.agentId).toBe('critic');
    expect(state.output).toMatch(/^APPROVED\b/);
  });
});
