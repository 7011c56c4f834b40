import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config/index.js';
import { foldRun } from '../src/core/index.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { MemoryRunStore, ScriptedProvider, type ScriptedReply } from '../src/testing/index.js';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A team run against a scripted model: no network, no keys. */
async function runWith(
  reply: (system: string, index: number) => ScriptedReply,
  options: { team?: string; maxCostUsd?: number; signal?: AbortSignal } = {},
) {
  const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-run-'));
  dirs.push(cwd);
  const config = resolveConfig({
    file: null,
    env: {},
    cwd,
    overrides: {
      baseUrl: 'http://scripted.invalid/v1',
      model: 'scripted',
      ...(options.maxCostUsd !== undefined && { maxCostUsd: options.maxCostUsd }),
    },
  });
  const provider = new ScriptedProvider({
    id: 'custom',
    reply: (request, index) => reply(request.messages[0]?.content ?? '', index),
    costUsdPerCall: 0.01,
  });
  const gateway = new LlmGateway({
    providers: { custom: provider },
    retry: { maxRetries: 2, baseDelayMs: 1, maxDelayMs: 2 },
  });
  const store = new MemoryRunStore();
  const result = await runTask({
    config,
    task: 'Write a slugify function',
    ...(options.team && { team: options.team }),
    store,
    gateway,
    signal: options.signal ?? new AbortController().signal,
  });
  return { ...result, store, provider };
}

const roleOf = (system: string) => /You are the (\w+)/.exec(system)?.[1]?.toLowerCase() ?? 'unknown';

describe('runTask', () => {
  it('runs the pipeline, and the stored log folds to the same state', async () => {
    const { state, store } = await runWith((system) => `${roleOf(system)} says hi`);
    expect(state).toMatchObject({
      status: 'succeeded',
      stopReason: 'completed',
      output: 'summarizer says hi',
      calls: 5,
    });
    expect(foldRun(await store.events(state.runId))).toEqual(state);
  });

  it('retries a failed call and keeps the error out of the transcript', async () => {
    const { state } = await runWith((system, index) =>
      index === 1 ? { fail: { status: 500, message: 'boom' } } : `${roleOf(system)} ok`,
    );
    expect(state.status).toBe('succeeded');
    expect(state.calls).toBe(6);
    expect(state.transcript.map((m) => m.content).join('\n')).not.toContain('boom');
  });

  it('treats an empty answer as a failed attempt, never as a message', async () => {
    const { state, store } = await runWith((system, index) => (index === 0 ? '   ' : `${roleOf(system)} ok`));
    expect(state.transcript[0]).toMatchObject({ agentId: 'planner', content: 'planner ok' });
    expect(state.calls).toBe(6);
    // The rejected answer was still billed: six paid calls at $0.01, in the fold and in the store's projection.
    expect(state.usage.costUsd).toBeCloseTo(0.06);
    expect((await store.getRun(state.runId))?.usage.costUsd).toBeCloseTo(0.06);
    expect((await store.llmCalls(state.runId))[0]).toMatchObject({
      outcome: 'error',
      errorCode: 'llm_empty_response',
      costUsd: 0.01,
    });
  });

  it('fails the run at the agent whose calls all fail, keeping the partial transcript and artifacts', async () => {
    const { state, artifactsDir } = await runWith((system) =>
      roleOf(system) === 'critic' ? { fail: { status: 401, message: 'bad key' } } : `${roleOf(system)} ok`,
    );
    expect(state).toMatchObject({ status: 'failed', stopReason: 'agent_error:critic', output: 'coder ok' });
    expect(state.error?.code).toBe('llm_all_models_failed');
    expect(state.transcript.map((m) => m.agentId)).toEqual(['planner', 'researcher', 'coder']);
    const result = JSON.parse(await readFile(join(artifactsDir!, 'result.json'), 'utf8'));
    expect(result).toMatchObject({ status: 'failed', stopReason: 'agent_error:critic' });
  });

  it('ends a chat when the critic approves, after the round', async () => {
    let reviews = 0;
    const { state } = await runWith(
      (system) => {
        const role = roleOf(system);
        if (role === 'critic') return ++reviews >= 2 ? 'APPROVED' : '1. Add tests';
        return `${role} turn`;
      },
      { team: 'chat' },
    );
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'approved', output: 'summarizer turn' });
    expect(state.transcript).toHaveLength(10);
  });

  it('stops a chat after maxRounds when nobody approves', async () => {
    const { state } = await runWith((system) => `${roleOf(system)}: needs more work`, { team: 'chat' });
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'max_rounds' });
    expect(state.transcript).toHaveLength(15); // 3 rounds of 5 agents
  });

  it('stops before the next step once the budget is spent', async () => {
    // Each scripted answer costs $0.01: after three steps $0.03 >= $0.025, so the critic never runs.
    const { state } = await runWith(() => 'ok', { maxCostUsd: 0.025 });
    expect(state).toMatchObject({ status: 'failed', stopReason: 'budget', calls: 3, output: 'ok' });
    expect(state.error?.code).toBe('budget_exceeded');
  });

  it('leaves a cancelled run cancelled', async () => {
    const controller = new AbortController();
    const { state } = await runWith(
      (system) => {
        if (roleOf(system) === 'researcher') controller.abort();
        return 'ok';
      },
      { signal: controller.signal },
    );
    expect(state).toMatchObject({ status: 'cancelled', stopReason: 'cancelled' });
  });
});
