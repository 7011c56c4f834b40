import { describe, expect, it } from 'vitest';
import type { SimMessage } from './chat-request.js';
import { readConversation } from './conversation.js';
import { answerFor } from './role-answers.js';

const instruction = [
  'Choose who speaks next, given the task and the conversation so far. Allowed speakers:',
  '- researcher: research',
  '- coder: code',
  '- critic: review',
  '- summarizer: summary',
  'Reply with exactly one name from this list and nothing else.',
].join('\n');

function pickAfter(turns: [string, string][], task = 'Build a slug library'): string {
  const messages: SimMessage[] = [
    { role: 'system', content: 'You are the Planner.' },
    { role: 'user', content: `Task:\n${task}` },
    ...turns.map(([agent, content]) => ({ role: 'user', content: `[${agent}]\n${content}` })),
    { role: 'user', content: instruction },
  ];
  return answerFor(readConversation(messages), 0).content;
}

describe('the simulated selector', () => {
  it('names one allowed speaker: research first, then code, review, code again, summary', () => {
    expect(pickAfter([])).toBe('researcher');
    expect(pickAfter([['researcher', '- facts']])).toBe('coder');
    expect(pickAfter([['coder', '```python\nx\n```']])).toBe('critic');
    expect(
      pickAfter([['critic', '1. Input validation is missing: x\n\nPlease send it back for another review.']]),
    ).toBe('coder');
    expect(pickAfter([['critic', 'APPROVED. Good.']])).toBe('summarizer');
  });

  it('for an unroutable task, names nobody allowed on its first pick only', () => {
    expect(pickAfter([], 'An unroutable slug library')).toMatch(/intern/);
    expect(pickAfter([['coder', '```python\nx\n```']], 'An unroutable slug library')).toBe('critic');
  });
});

describe('the simulated manager', () => {
  const plan = [
    'Split the task into at most 2 subtasks and delegate each to one of your workers:',
    '- researcher: research',
    '- architect: design, architecture',
    '- coder: code',
    'Write one subtask per line, exactly as `<number>. [<capability or worker>] <what to do>`, and nothing else.',
  ].join('\n');

  it('plans at most the asked number of tagged subtasks, one per worker in order', () => {
    const text = answerFor(
      readConversation([
        { role: 'system', content: 'You are the Planner.' },
        { role: 'user', content: 'Task:\nBuild a slug library' },
        { role: 'user', content: plan },
      ]),
      0,
    ).content;
    const lines = text.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^1\. \[research\] /);
    expect(lines[1]).toMatch(/^2\. \[design\] Design the modules/);
  });

  it('synthesises one line per worker result it received', () => {
    const text = answerFor(
      readConversation([
        { role: 'system', content: 'You are the Planner.' },
        { role: 'user', content: 'Task:\nBuild a slug library' },
        { role: 'assistant', content: '1. [research] a\n2. [code] b' },
        { role: 'user', content: '[researcher]\nFacts about slugs' },
        { role: 'user', content: '[coder]\nHere is the code' },
        {
          role: 'user',
          content: 'Your workers have finished. Combine their results into the final answer to the task.',
        },
      ]),
      0,
    ).content;
    expect(text).toContain('- From researcher: Facts about slugs');
    expect(text).toContain('- From coder: Here is the code');
  });
});
