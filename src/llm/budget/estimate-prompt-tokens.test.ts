import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { ChatMessage } from '../../core/index.js';
import {
  estimatePromptTokens,
  REPLY_PRIMING_TOKENS,
  TOKENIZER_SAFETY_FACTOR,
  TOKENS_PER_MESSAGE,
} from './estimate-prompt-tokens.js';

const messages: ChatMessage[] = [
  { role: 'system', content: 'You are a careful planner.' },
  { role: 'user', content: 'Task:\nWrite a Python function that merges overlapping intervals.' },
  { role: 'assistant', content: '1. Sort by start.\n2. Merge while the next start <= current end.' },
];

describe('estimatePromptTokens', () => {
  it('adds per-message and reply overhead to the o200k counts, then the safety factor', () => {
    expect(estimatePromptTokens(messages)).toBe(expectedEstimate(messages));
  });

  it('never estimates below the raw o200k count of the contents', () => {
    const long = 'def merge(intervals):\n    return sorted(intervals)\n'.repeat(200);
    expect(estimatePromptTokens([{ role: 'user', content: long }])).toBeGreaterThan(countTokens(long));
  });

  it('counts an empty conversation as the reply priming alone', () => {
    expect(estimatePromptTokens([])).toBe(Math.ceil(REPLY_PRIMING_TOKENS * TOKENIZER_SAFETY_FACTOR));
  });

  it('counts a message name', () => {
    const unnamed = estimatePromptTokens([{ role: 'user', content: 'hi' }]);
    expect(estimatePromptTokens([{ role: 'user', content: 'hi', name: 'critic' }])).toBeGreaterThan(unnamed);
  });

  it('counts the tool calls an assistant turn made and the tools offered, which are billed as prompt', () => {
    const turn: ChatMessage[] = [{ role: 'user', content: 'read it' }];
    const withCall: ChatMessage[] = [
      ...turn,
      {
        role: 'assistant',
        content: '',
        toolCalls: [{ id: 'c1', name: 'read_file', arguments: '{"path":"notes/a.md"}' }],
      },
    ];
    const spec = { name: 'read_file', description: 'Reads a file.', parameters: { type: 'object' } };
    expect(estimatePromptTokens(withCall)).toBeGreaterThan(expectedEstimate(withCall));
    expect(estimatePromptTokens(turn, [spec])).toBeGreaterThan(estimatePromptTokens(turn));
  });

  it('gives the same answer when asked again (the per-message memo changes nothing)', () => {
    const doubled = [...messages, ...messages];
    const first = estimatePromptTokens(doubled);
    expect(estimatePromptTokens(doubled)).toBe(first);
    expect(first).toBe(expectedEstimate(doubled));
  });
});

function expectedEstimate(list: ChatMessage[]): number {
  const raw = list.reduce((sum, m) => sum + countTokens(m.content), 0);
  return Math.ceil((raw + list.length * TOKENS_PER_MESSAGE + REPLY_PRIMING_TOKENS) * TOKENIZER_SAFETY_FACTOR);
}
