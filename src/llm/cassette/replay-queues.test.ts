import { describe, expect, it } from 'vitest';
import { exchangeKey } from './cassette-exchange.js';
import type { CassetteExchange, RecordedRequest } from './cassette-format.js';
import { ReplayQueues } from './replay-queues.js';

const same: RecordedRequest = {
  provider: 'sim',
  model: 'sim-model',
  messages: [{ role: 'user', content: 'hello' }],
  temperature: 0.2,
  stream: false,
};
const other: RecordedRequest = { ...same, model: 'other-model' };

function answer(seq: number, request: RecordedRequest, content: string): CassetteExchange {
  return {
    seq,
    key: 'stale-key-from-an-older-format',
    request,
    outcome: {
      ok: true,
      content,
      finishReason: 'stop',
      model: request.model,
      usage: { promptTokens: 1, completionTokens: 1, cachedTokens: 0, reasoningTokens: 0, raw: null },
    },
  };
}

describe('ReplayQueues', () => {
  it('answers identical requests in recorded call order, not file order', () => {
    // Lines are written as calls finish: the second call may finish (and be written) first.
    const queues = new ReplayQueues([
      answer(3, same, 'third'),
      answer(1, same, 'first'),
      answer(2, other, 'x'),
    ]);
    const key = exchangeKey(same);
    expect(queues.take(key)?.outcome).toMatchObject({ content: 'first' });
    expect(queues.take(key)?.outcome).toMatchObject({ content: 'third' });
    expect(queues.take(key)).toBeUndefined();
    expect(queues.played(key)).toBe(2);
  });

  it('keys by the request itself, so a stored key from another format does not matter', () => {
    const queues = new ReplayQueues([answer(1, other, 'x')]);
    expect(queues.take(exchangeKey(other))?.outcome).toMatchObject({ content: 'x' });
    expect(queues.take(exchangeKey(same))).toBeUndefined();
  });

  it('treats temperature as part of the request', () => {
    const queues = new ReplayQueues([answer(1, same, 'warm')]);
    expect(queues.take(exchangeKey({ ...same, temperature: 0 }))).toBeUndefined();
    expect(queues.take(exchangeKey(same))).toBeDefined();
  });

  it('lists the models recorded per provider', () => {
    const queues = new ReplayQueues([answer(1, same, 'a'), answer(2, other, 'b'), answer(3, same, 'c')]);
    expect(queues.models('sim')).toEqual(['sim-model', 'other-model']);
    expect(queues.models('nobody')).toEqual([]);
  });
});
