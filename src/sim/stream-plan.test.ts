import { describe, expect, it } from 'vitest';
import type { CompletionMeta } from './completion-wire.js';
import { planStream, splitIntoChunks } from './stream-plan.js';

describe('splitIntoChunks', () => {
  it('splits into pieces of a few words that rejoin to exactly the text', () => {
    const text = '  Hello there, this is\na longer answer\n\nwith code  \n';
    const chunks = splitIntoChunks(text, 3);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('')).toBe(text);
  });

  it('returns nothing for empty text and one piece for whitespace only', () => {
    expect(splitIntoChunks('')).toEqual([]);
    expect(splitIntoChunks('  \n')).toEqual(['  \n']);
  });
});

describe('planStream', () => {
  const answer = { content: 'a b c d e f g h i j', reasoning: 'think think' };
  const meta = (style: CompletionMeta['style'], includeUsage = false): CompletionMeta => ({
    style,
    id: 'id-1',
    model: 'm',
    created: 0,
    includeUsage,
  });

  it('streams reasoning first only in the deepseek style', () => {
    expect(planStream(meta('deepseek'), answer, 'stop', {}).reasoningFrames).toBe(1);
    expect(planStream(meta('openrouter'), answer, 'stop', {}).reasoningFrames).toBe(0);
  });

  it('ends every style with [DONE] and places usage where each provider does', () => {
    const usage = { prompt_tokens: 1 };
    const finishOf = (m: CompletionMeta) => planStream(m, answer, 'stop', usage).finish;
    expect(finishOf(meta('deepseek'))).toHaveLength(2);
    expect(finishOf(meta('deepseek'))[0]).toContain('"usage":{"prompt_tokens":1}');
    expect(finishOf(meta('openrouter'))[1]).toContain('"choices":[],"usage"');
    expect(finishOf(meta('openai'))).toHaveLength(2);
    expect(finishOf(meta('openai', true))).toHaveLength(3);
    for (const style of ['openrouter', 'deepseek', 'openai'] as const) {
      expect(finishOf(meta(style)).at(-1)).toBe('data: [DONE]\n\n');
    }
  });
});
