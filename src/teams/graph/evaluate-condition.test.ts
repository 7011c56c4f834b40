import { describe, expect, it } from 'vitest';
import { parseCondition } from '../../config/graph/parse-condition.js';
import { type ConditionContext, evaluateCondition } from './evaluate-condition.js';

const context: ConditionContext = {
  message: '  APPROVED. Ship it.\n',
  node: 'review',
  agent: 'critic',
  visit: 2,
  messages: 5,
  rounds: 2,
  cost: 0.012,
  tokens: 1800,
  visits: (node) => ({ review: 2, fix: 1 })[node] ?? 0,
};

const holds = (source: string) => evaluateCondition(parseCondition(source), context);

describe('evaluateCondition', () => {
  it('tests the message', () => {
    expect(holds("contains('APPROVED')")).toBe(true);
    expect(holds("contains('approved')")).toBe(false);
    expect(holds("startsWith('APPROVED')")).toBe(true);
    expect(holds("endsWith('it.')")).toBe(true);
    expect(holds("matches('^\\s*approved\\b', 'i')")).toBe(true);
    expect(holds("matches('^approved')")).toBe(false);
  });

  it('reads visits, counters, usage and who spoke', () => {
    expect(holds("visits('fix') < 2 and visits('review') == 2 and visits('docs') == 0")).toBe(true);
    expect(holds('messages >= 5 and rounds == 2 and visit == 2')).toBe(true);
    expect(holds('cost < 0.02 and tokens > 1000')).toBe(true);
    expect(holds('cost >= 0.02')).toBe(false);
    expect(holds("from == 'critic' and node != 'fix'")).toBe(true);
  });

  it('combines with not, and, or and parentheses', () => {
    expect(holds("not contains('APPROVED') or visits('fix') >= 1")).toBe(true);
    expect(holds("not (contains('APPROVED') and visits('fix') >= 1)")).toBe(false);
    expect(holds('true and not false')).toBe(true);
  });
});
