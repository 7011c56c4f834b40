import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMIT } from '../src/config/defaults/settings.js';
import type { ModelInfo, ProviderConfig } from '../src/config/resolved-config.js';
import type { ChatMessage } from '../src/core/index.js';
import { AllModelsFailedError, type LlmCallError } from '../src/errors/index.js';
import { type AttemptRecord, LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { type RunningSimulator, type SimFault, startSimulator } from '../src/sim/simulator.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are the Planner in a team of agents.' },
  { role: 'user', content: 'Task:\nBuild a todo app' },
];

function providerFor(sim: RunningSimulator, headers: Record<string, string> = {}): OpenAiCompatibleProvider {
  const config: ProviderConfig = {
    id: 'sim',
    kind: 'openai-compatible',
    baseUrl: sim.url,
    apiKeyEnv: null,
    apiKey: 'sk-sim-secret-000',
    requiresApiKey: false,
    headers,
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  };
  return new OpenAiCompatibleProvider({ config });
}

const model: ModelInfo = {
  ref: 'sim:sim-model',
  provider: 'sim',
  id: 'sim-model',
  pricing: null,
  contextWindow: null,
  rateLimit: null,
};

/** A gateway with instant, recorded backoff so fault tests are fast and deterministic. */
function gatewayFor(provider: OpenAiCompatibleProvider, maxRetries = 2) {
  const delays: number[] = [];
  const gateway = new LlmGateway({
    providers: { sim: provider },
    retry: { maxRetries, baseDelayMs: 1, maxDelayMs: 5 },
    sleep: async (ms: number) => {
      delays.push(ms);
    },
  });
  return { gateway, delays };
}

async function call(gateway: LlmGateway, options: { stream?: boolean; timeoutMs?: number } = {}) {
  const attempts: AttemptRecord[] = [];
  const deltas: string[] = [];
  const result = await gateway.call({
    agentId: 'planner',
    models: [model],
    messages,
    stream: options.stream ?? false,
    timeoutMs: options.timeoutMs ?? 5_000,
    onTextDelta: (delta) => deltas.push(delta),
    onAttempt: (attempt) => {
      attempts.push(attempt);
    },
  });
  return { result, attempts, deltas };
}

describe('gateway against the simulator over HTTP', () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator({ seed: 1 });
  });
  afterAll(() => sim.close());

  it('returns a role-aware answer with usage and cost, non-streamed', async () => {
    const { result, attempts } = await call(gatewayFor(providerFor(sim)).gateway);
    expect(result.content).toMatch(/^\s*1\./m); // the planner numbers its steps
    expect(result.usage.promptTokens).toBeGreaterThan(0);
    expect(result.usage.costUsd).toBeGreaterThan(0); // OpenRouter-style reported cost
    expect(attempts).toEqual([expect.objectContaining({ ok: true, attempt: 1 })]);
  });

  it('streams deltas that add up to the answer, with usage from the final chunk', async () => {
    const { result, deltas } = await call(gatewayFor(providerFor(sim)).gateway, { stream: true });
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(result.content);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
  });

  it.each<[SimFault, boolean]>([
    ['error', false],
    ['rate_limit', false],
    ['malformed_json', false],
    ['midstream_error', false],
    ['empty', false],
    ['midstream_error', true],
    ['stream_cut', true],
    ['malformed_json', true],
  ])('recovers from one %s fault (stream: %s) by retrying', async (fault, stream) => {
    const faulty = await startSimulator({ seed: 1, failFirst: 1, faults: [fault], retryAfterSeconds: 0 });
    try {
      const { result, attempts } = await call(gatewayFor(providerFor(faulty)).gateway, { stream });
      expect(attempts.map((a) => a.ok)).toEqual([false, true]);
      expect(result.content.trim().length).toBeGreaterThan(0);
    } finally {
      await faulty.close();
    }
  });

  it('waits at least Retry-After before retrying a 429', async () => {
    const limited = await startSimulator({ failFirst: 1, faults: ['rate_limit'], retryAfterSeconds: 2 });
    try {
      const { gateway, delays } = gatewayFor(providerFor(limited));
      const { attempts } = await call(gateway);
      const [first] = attempts;
      expect(first?.ok === false && first.error.status).toBe(429);
      expect(delays[0]).toBeGreaterThanOrEqual(2000);
    } finally {
      await limited.close();
    }
  });

  it('times out a hanging request and gives up with every attempt recorded', async () => {
    const hanging = await startSimulator({ failRate: 1, faults: ['hang'] });
    try {
      const { gateway } = gatewayFor(providerFor(hanging), 1);
      const attempts: AttemptRecord[] = [];
      const failure = await gateway
        .call({
          agentId: 'planner',
          models: [model],
          messages,
          timeoutMs: 200,
          onAttempt: (a) => void attempts.push(a),
        })
        .catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AllModelsFailedError);
      expect(attempts).toHaveLength(2);
      expect(attempts.every((a) => !a.ok && (a.error as LlmCallError).code === 'llm_timeout')).toBe(true);
    } finally {
      await hanging.close();
    }
  });

  it('never puts the API key in an error', async () => {
    const failing = await startSimulator({ failRate: 1, faults: ['error'], failStatus: 401 });
    try {
      const failure = await call(gatewayFor(providerFor(failing)).gateway).catch((error: unknown) => error);
      expect(failure).toBeInstanceOf(AllModelsFailedError);
      expect(JSON.stringify((failure as AllModelsFailedError).toInfo())).not.toContain('sk-sim-secret-000');
      expect((failure as Error).message).not.toContain('sk-sim-secret-000');
    } finally {
      await failing.close();
    }
  });
});
