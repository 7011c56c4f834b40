import { describe, expect, it } from 'vitest';
import type { SimMessage } from './chat-request.js';
import { readConversation } from './conversation.js';
import { answerFor } from './role-answers.js';

const task = 'Write a function that merges overlapping time intervals';

function answer(role: string, rest: SimMessage[], forTask = task): string {
  const messages = [
    { role: 'system', content: `You are the ${role}.` },
    { role: 'user', content: `Task:\n${forTask}` },
    ...rest,
  ];
  return answerFor(readConversation(messages), 0).content;
}

const review = answer('Critic', [{ role: 'user', content: '[coder]\ncode' }]);

describe('the review scenario', () => {
  it('has the critic raise two numbered issues on a first review', () => {
    expect(review.match(/^\d+\. /gm)).toHaveLength(2);
    expect(review).toMatch(/^1\. Input validation is missing/m);
  });

  it('has the debugger, given the findings, fix each issue by number; and the critic then approve', () => {
    const fix = answer('Debugger', [
      { role: 'user', content: '[coder]\ncode' },
      { role: 'user', content: `[critic]\n${review}` },
      { role: 'user', content: `The reviewer (critic) did not approve:\n\n${review}` },
    ]);
    expect(fix).toMatch(/^- Fixed issue 1 \(input validation is missing\)/m);
    expect(fix).toMatch(/^- Fixed issue 2 \(edge cases are untested\)/m);
    expect(fix).toContain('```python');
    const second = answer('Critic', [
      { role: 'user', content: '[coder]\ncode' },
      { role: 'assistant', content: review },
      { role: 'user', content: `[debugger]\n${fix}` },
    ]);
    expect(second).toMatch(/^APPROVED\b/);
  });

  it('has the coder and the architect address a review only when it came after their own last answer', () => {
    const coderAfterReview = answer('Coder', [
      { role: 'assistant', content: 'my code' },
      { role: 'user', content: `[critic]\n${review}` },
    ]);
    expect(coderAfterReview).toMatch(/Fixed issue 1/);
    const coderBeforeReview = answer('Coder', [
      { role: 'user', content: `[critic]\n${review}` },
      { role: 'assistant', content: 'my code' },
    ]);
    expect(coderBeforeReview).not.toMatch(/Fixed issue/);
    expect(answer('Architect', [{ role: 'user', content: `[critic]\n${review}` }])).toMatch(/Fixed issue 2/);
    expect(answer('Coder', [{ role: 'user', content: '[planner]\n1. Clarify the review' }])).not.toMatch(
      /Fixed issue/,
    );
  });

  it('never addresses a review for an unfixable task, so the critic keeps its issues', () => {
    const unfixable = `An unfixable ${task}`;
    const fix = answer('Debugger', [{ role: 'user', content: `[critic]\n${review}` }], unfixable);
    expect(fix).not.toMatch(/Fixed issue/);
    const second = answer(
      'Critic',
      [
        { role: 'assistant', content: review },
        { role: 'user', content: `[debugger]\n${fix}` },
      ],
      unfixable,
    );
    expect(second).toMatch(/^The issues from my last review are still open/);
  });
});
