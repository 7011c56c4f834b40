import { afterEach, describe, expect, it, vi } from 'vitest';
import { requestBodyHash } from './sim-request-log.js';
import { simCostUsd } from './sim-usage.js';
import { configureSim, fetchSimRequests, type RunningSimulator, startSimulator } from './simulator.js';

const messages = [
  { role: 'system', content: 'You are the Planner of a team of agents.' },
  { role: 'user', content: 'Build a command-line tool that parses CSV invoices' },
];

let sim: RunningSimulator;
afterEach(() => sim?.close());

function post(body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  return fetch(`${sim.url}/chat/completions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...(signal && { signal }),
  });
}

interface WireUsage {
  prompt_tokens: number;
  completion_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  cost?: number;
}

describe('the simulator request log', () => {
  it('logs each answered request with the tokens and the cost it reported in usage', async () => {
    sim = await startSimulator();
    const before = Date.now();
    const response = await post({ model: 'sim-model', messages, temperature: 0.2, max_tokens: 500 });
    const body = (await response.json()) as { id: string; usage: WireUsage };
    const [record] = sim.requests();
    expect(record).toEqual({
      seq: 1,
      at: expect.any(Number),
      doneAt: expect.any(Number),
      inFlight: 1,
      model: 'sim-model',
      bodyHash: requestBodyHash({ model: 'sim-model', messages, temperature: 0.2, maxTokens: 500 }),
      responseId: body.id,
      stream: false,
      fault: null,
      status: 200,
      promptTokens: body.usage.prompt_tokens,
      completionTokens: body.usage.completion_tokens,
      cachedTokens: 0,
      costUsd: body.usage.cost,
    });
    expect(record?.at).toBeGreaterThanOrEqual(before);
    expect(record?.doneAt).toBeGreaterThanOrEqual(record!.at);
    expect(response.headers.get('x-request-id')).toBe(body.id);
    expect(record?.costUsd).toBeGreaterThan(0);
  });

  it('hashes what identifies a call: the same call streamed or not is one hash, any change is another', async () => {
    sim = await startSimulator();
    const call = { model: 'sim-model', messages, temperature: 0.2, max_tokens: 500 };
    await (await post(call)).json();
    await (await post({ ...call, stream: true })).text();
    await (await post({ ...call, temperature: 0.3 })).json();
    await (await post({ ...call, max_tokens: 501 })).json();
    await (await post({ ...call, model: 'other' })).json();
    await (await post({ ...call, messages: [...messages, { role: 'user', content: 'more' }] })).json();
    await (await post('{"model":')).text();
    const hashes = sim.requests().map((r) => r.bodyHash);
    expect(hashes[0]).toMatch(/^[0-9a-f]{64}$/);
    expect(hashes[1]).toBe(hashes[0]);
    expect(new Set(hashes.slice(1, 6)).size).toBe(5);
    expect(hashes[6]).toBeNull();
    // Key order in the body does not matter: the hash is over canonical JSON.
    expect(requestBodyHash({ maxTokens: 500, temperature: 0.2, messages, model: 'sim-model' })).toBe(
      hashes[0],
    );
    // Each answer has its own id, logged as responseId.
    const ids = sim.requests().map((r) => r.responseId);
    expect(new Set(ids.slice(0, 6)).size).toBe(6);
    expect(ids[6]).toBeNull();
  });

  it('counts the requests in flight at each arrival, and settles each once', async () => {
    sim = await startSimulator({ latencyMs: 150 });
    const parallel = await Promise.all([1, 2, 3].map((n) => post({ model: `m${n}`, messages })));
    await Promise.all(parallel.map((r) => r.json()));
    await (await post({ model: 'after', messages })).json();
    const log = sim.requests();
    expect(
      log
        .slice(0, 3)
        .map((r) => r.inFlight)
        .sort(),
    ).toEqual([1, 2, 3]);
    // The fourth arrived after the others had been answered.
    expect(log[3]?.inFlight).toBe(1);
    for (const record of log) expect(record.doneAt).toBeGreaterThanOrEqual(record.at);
  });

  it('bills a streamed answer as its final usage chunk says', async () => {
    sim = await startSimulator();
    const text = await (await post({ model: 'sim-model', messages, stream: true })).text();
    const usageLine = text
      .split('\n')
      .filter((line) => line.startsWith('data: {') && line.includes('"usage"'))
      .at(-1);
    const usage = (JSON.parse(usageLine!.slice(6)) as { usage: WireUsage }).usage;
    expect(sim.requests()[0]).toMatchObject({ stream: true, status: 200, costUsd: usage.cost });
  });

  it('prices every style alike, so a DeepSeek-style log still has a cost', async () => {
    sim = await startSimulator({ style: 'deepseek' });
    const body = (await (await post({ model: 'deepseek-chat', messages })).json()) as { usage: WireUsage };
    const counts = {
      promptTokens: body.usage.prompt_tokens,
      completionTokens: body.usage.completion_tokens,
      cachedTokens: body.usage.prompt_tokens_details.cached_tokens,
      reasoningTokens: 0,
    };
    expect(sim.requests()[0]?.costUsd).toBe(simCostUsd(counts));
    expect(body.usage.cost).toBeUndefined();
  });

  it('logs faults with the status sent and bills nothing that did not arrive whole', async () => {
    sim = await startSimulator();
    await post({ model: 'a', messages }, { 'x-sim-fault': 'error' });
    await post({ model: 'b', messages }, { 'x-sim-fault': 'rate_limit' });
    await post({ model: 'c', messages, stream: true }, { 'x-sim-fault': 'midstream_error' }).then((r) =>
      r.text(),
    );
    await post({ model: 'd', messages }, { 'x-sim-fault': 'empty' });
    await post('{"model":', {});
    const log = sim.requests();
    expect(log.map((r) => [r.seq, r.model, r.fault, r.status, r.costUsd > 0])).toEqual([
      [1, 'a', 'error', 500, false],
      [2, 'b', 'rate_limit', 429, false],
      [3, 'c', 'midstream_error', 200, false],
      // An empty answer is still a complete, billed answer.
      [4, 'd', 'empty', 200, true],
      [5, null, null, 400, false],
    ]);
    expect(sim.stats()).toEqual({ requests: 5, failures: 4 });
  });

  it('logs a hung request without a status, and a cut stream without a cost', async () => {
    sim = await startSimulator();
    const controller = new AbortController();
    const hung = post({ model: 'h', messages }, { 'x-sim-fault': 'hang' }, controller.signal).catch(
      () => 'aborted',
    );
    await vi.waitFor(() => expect(sim.requests()).toHaveLength(1));
    controller.abort();
    expect(await hung).toBe('aborted');
    await post({ model: 'c', messages, stream: true }, { 'x-sim-fault': 'stream_cut' })
      .then((r) => r.text())
      .catch(() => 'cut');
    await vi.waitFor(() => expect(sim.requests()[1]?.status).toBe(200));
    expect(
      sim.requests().map((r) => [r.fault, r.status, r.promptTokens, r.costUsd, r.doneAt, r.inFlight]),
    ).toEqual([
      ['hang', null, 0, 0, null, 1],
      // The hung request had been settled (its client went away) before this one arrived.
      ['stream_cut', 200, 0, 0, null, 1],
    ]);
  });

  it('returns only later records after a seq, and keeps the newest up to its limit', async () => {
    sim = await startSimulator({ requestLogLimit: 2 });
    for (const model of ['m1', 'm2', 'm3']) await post({ model, messages });
    expect(sim.requests().map((r) => r.seq)).toEqual([2, 3]);
    expect(sim.requests(2).map((r) => r.model)).toEqual(['m3']);
    expect(sim.stats().requests).toBe(3);
  });
});

describe('changing faults while the simulator runs', () => {
  it('fails everything after configure({ failRate: 1 }) and recovers after failRate 0', async () => {
    sim = await startSimulator();
    const status = async () => (await post({ model: 'm', messages })).status;
    expect(await status()).toBe(200);
    expect(sim.configure({ failRate: 1, failStatus: 503 })).toMatchObject({ failRate: 1, failStatus: 503 });
    expect([await status(), await status(), await status()]).toEqual([503, 503, 503]);
    sim.configure({ failRate: 0 });
    expect(await status()).toBe(200);
    expect(sim.stats()).toEqual({ requests: 5, failures: 3 });
    expect(sim.requests().map((r) => r.fault)).toEqual([null, 'error', 'error', 'error', null]);
  });

  it('refuses options that cannot change at run time, or bad values, and keeps the old ones', async () => {
    sim = await startSimulator();
    expect(() => sim.configure({ port: 1 } as never)).toThrow(/port cannot change while it runs/);
    expect(() => sim.configure({ failRate: 2 })).toThrow(/failRate must be a number between 0 and 1/);
    expect(() => sim.configure({ faults: ['lightning' as never] })).toThrow(/faults/);
    expect((await post({ model: 'm', messages })).status).toBe(200);
  });

  it('serves the log and takes new faults over HTTP, for a simulator in another process', async () => {
    sim = await startSimulator();
    const origin = sim.url.replace(/\/v1$/, '');
    expect(
      await configureSim(sim.url, { failRate: 1, faults: ['rate_limit'], retryAfterSeconds: 3 }),
    ).toEqual({
      latencyMs: 0,
      ttftMs: 0,
      failRate: 1,
      failStatus: 500,
      faults: ['rate_limit'],
      retryAfterSeconds: 3,
    });
    const limited = await post({ model: 'm', messages });
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
    await configureSim(sim.url, { failRate: 0 });
    expect((await post({ model: 'm', messages })).status).toBe(200);
    expect((await fetchSimRequests(sim.url)).map((r) => r.status)).toEqual([429, 200]);
    expect((await fetchSimRequests(sim.url, 1)).map((r) => r.seq)).toEqual([2]);
    expect(await (await fetch(`${origin}/sim/stats`)).json()).toEqual({ requests: 2, failures: 1 });

    const bad = await fetch(`${origin}/sim/config`, { method: 'POST', body: '{"seed": 3}' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(
      /seed cannot change/,
    );
    expect((await fetch(`${origin}/sim/config`, { method: 'POST', body: 'nope' })).status).toBe(400);
    expect((await fetch(`${origin}/sim/requests?after=-1`)).status).toBe(400);
    // Control calls are not chat requests.
    expect(sim.stats().requests).toBe(2);
  });
});
