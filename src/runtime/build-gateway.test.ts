import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { ChatMessage } from '../core/index.js';
import { type RunningSimulator, startSimulator } from '../sim/simulator.js';
import { openGateway } from './build-gateway.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are the Critic in a team of specialised agents.' },
  { role: 'user', content: 'Task:\nReview a CSV parser' },
];

describe('openGateway with a cassette', () => {
  let sim: RunningSimulator;
  let dir: string;

  beforeAll(async () => {
    sim = await startSimulator();
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-gateway-cassette-'));
  });
  afterAll(async () => {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const configFor = (cassette: { record?: string; replay?: string }, baseUrl = sim.url): ResolvedConfig =>
    resolveConfig({ file: null, env: {}, cwd: dir, overrides: { baseUrl, model: 'sim-model', ...cassette } });

  async function callTwice(config: ResolvedConfig, fetch?: typeof globalThis.fetch) {
    const { gateway, close } = await openGateway(config, { warn: () => {}, ...(fetch && { fetch }) });
    try {
      const model = config.models[config.defaultModel]!;
      const call = () =>
        gateway.call({ agentId: 'critic', models: [model], messages, temperature: 0.2, timeoutMs: 5_000 });
      return [await call(), await call()];
    } finally {
      await close();
    }
  }

  it('records identical calls each to the provider (no cache), then replays them with no fetch at all', async () => {
    const path = join(dir, 'twice.jsonl');
    const before = sim.stats().requests;
    const recorded = await callTwice(configFor({ record: path }));
    expect(sim.stats().requests - before).toBe(2);
    expect(existsSync(join(dir, '.agentmesh', 'cache.db'))).toBe(false);
    expect(readFileSync(path, 'utf8').trimEnd().split('\n')).toHaveLength(3);

    let fetches = 0;
    const noNetwork: typeof globalThis.fetch = async () => {
      fetches++;
      throw new Error('replay must not use the network');
    };
    const replayed = await callTwice(configFor({ replay: path }, 'http://127.0.0.1:1/v1'), noNetwork);
    expect(fetches).toBe(0);
    expect(replayed.map((result) => result.content)).toEqual(recorded.map((result) => result.content));
    expect(replayed.map((result) => result.usage)).toEqual(recorded.map((result) => result.usage));
    expect(sim.stats().requests - before).toBe(2);
  });

  it('fails to open on a missing cassette with a usage error', async () => {
    await expect(
      openGateway(configFor({ replay: join(dir, 'none.jsonl') }), { warn: () => {} }),
    ).rejects.toMatchObject({
      code: 'usage',
    });
  });
});
