import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../cli-io.js';
import { simCommand, toSimulatorOptions } from './sim.js';

function testIo(signal: AbortSignal) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const io: CliIo = { stdout, stderr, env: {}, cwd: process.cwd(), signal };
  return { io, out: () => out, err: () => err };
}

async function firstLine(read: () => string): Promise<string> {
  while (!read().includes('\n')) await new Promise((resolve) => setImmediate(resolve));
  return read().split('\n')[0] ?? '';
}

describe('simCommand', () => {
  it('prints the URL on stdout, serves until the signal aborts, then exits 0', async () => {
    const controller = new AbortController();
    const { io, out, err } = testIo(controller.signal);
    const exit = simCommand({ port: '0', seed: '7', style: 'deepseek' }, io);
    const url = await firstLine(out);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(err()).toContain(`agentmesh sim listening on ${url} (simulated model; style deepseek, seed 7)`);
    const models = (await (await fetch(`${url}/models`)).json()) as { data: { id: string }[] };
    expect(models.data.length).toBeGreaterThan(0);
    controller.abort();
    expect(await exit).toBe(0);
    expect(err()).toContain('stopped after 0 requests');
  });

  it('serves the request log and run-time fault changes on its control routes', async () => {
    const controller = new AbortController();
    const { io, out, err } = testIo(controller.signal);
    const exit = simCommand({ port: '0' }, io);
    const url = await firstLine(out);
    const control = url.replace(/\/v1$/, '/sim');
    expect(err()).toContain(`control: GET ${control}/requests`);
    const config = await fetch(`${control}/config`, {
      method: 'POST',
      body: '{"failRate":1,"failStatus":502}',
    });
    expect(config.status).toBe(200);
    const chat = await fetch(`${url}/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(chat.status).toBe(502);
    const log = (await (await fetch(`${control}/requests`)).json()) as { requests: { status: number }[] };
    expect(log.requests.map((r) => r.status)).toEqual([502]);
    controller.abort();
    expect(await exit).toBe(0);
    expect(err()).toContain('stopped after 1 request (1 with injected faults)');
  });

  it('rejects a fail rate outside 0..1 with a usage error naming the flag', () => {
    expect(() => toSimulatorOptions({ failRate: '3' })).toThrow(
      expect.objectContaining({ code: 'usage', message: '--fail-rate must be between 0 and 1, got 3' }),
    );
  });

  it.each([
    [{ port: 'abc' }, /--port must be a number/],
    [{ port: 70000 }, /--port must be between 0 and 65535/],
    [{ latencyMs: '-1' }, /--latency-ms must be at least 0/],
    [{ failStatus: '200' }, /--fail-status must be between 400 and 599/],
    [{ faults: 'error,gremlins' }, /--faults: unknown fault gremlins/],
    [{ retryAfter: '1.5' }, /--retry-after must be a whole number/],
    [{ style: 'anthropic' }, /--style must be one of openrouter, deepseek, openai/],
  ])('rejects %o', (options, message) => {
    expect(() => toSimulatorOptions(options)).toThrow(message);
  });

  it('converts string flags and comma lists into simulator options', () => {
    expect(
      toSimulatorOptions({
        latencyMs: '250',
        failRate: '0.2',
        faults: 'error, rate_limit',
        retryAfter: 3,
        seed: '9',
      }),
    ).toMatchObject({
      latencyMs: 250,
      failRate: 0.2,
      faults: ['error', 'rate_limit'],
      retryAfterSeconds: 3,
      seed: 9,
    });
  });
});
