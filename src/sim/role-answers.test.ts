import { describe, expect, it } from 'vitest';
import type { SimMessage } from './chat-request.js';
import { readConversation } from './conversation.js';
import { answerFor } from './role-answers.js';

const task = 'Write a function that merges overlapping time intervals';

function answer(system: string, rest: SimMessage[] = [], variant = 0): string {
  const messages = [{ role: 'system', content: system }, { role: 'user', content: task }, ...rest];
  return answerFor(readConversation(messages), variant).content;
}

function fencedFile(text: string): string | undefined {
  return /```python\n# file: ([\w.]+)\n/.exec(text)?.[1];
}

describe('readConversation', () => {
  it('takes the role named earliest in the system prompt, case-insensitively', () => {
    const conversation = readConversation([
      { role: 'system', content: 'You are the CRITIC. Review what the coder and tester wrote.' },
      { role: 'user', content: task },
    ]);
    expect(conversation.role).toBe('critic');
  });

  it('counts earlier assistant turns and user contributions after the task', () => {
    const conversation = readConversation([
      { role: 'system', content: 'You are the Summarizer.' },
      { role: 'user', content: task },
      { role: 'user', content: 'Planner said…' },
      { role: 'assistant', content: 'Earlier summary' },
      { role: 'user', content: 'Coder said…' },
    ]);
    expect(conversation).toMatchObject({ task, earlierAnswers: 1, contributions: 2 });
  });
});

describe('answerFor', () => {
  it('has the planner list 3 to 5 numbered steps using words of the task', () => {
    for (const variant of [0, 1, 2]) {
      const text = answer('You are the Planner.', [], variant);
      const steps = text.match(/^\d+\. /gm) ?? [];
      expect(steps.length).toBeGreaterThanOrEqual(3);
      expect(steps.length).toBeLessThanOrEqual(5);
      expect(text).toMatch(/intervals/);
    }
  });

  it('has the coder write one sentence and a Python file named after the task', () => {
    const text = answer('You are the Coder.');
    expect(fencedFile(text)).toBe('merges_overlapping_time.py');
    expect(text).toContain('def merges_overlapping_time(');
    expect(text.split('\n')[0]).not.toContain('```');
  });

  it('has the tester write a unittest file that imports the coder module', () => {
    const text = answer('You are the Tester.');
    expect(fencedFile(text)).toBe('test_merges_overlapping_time.py');
    expect(text).toContain('from merges_overlapping_time import merges_overlapping_time');
    expect(text).toContain('unittest.TestCase');
  });

  it('has the critic raise two numbered issues on a first review, without approving', () => {
    const text = answer('You are the Critic.');
    expect(text.match(/^\d+\. /gm)).toHaveLength(2);
    expect(text).not.toMatch(/approved/i);
  });

  it('has the critic approve once a later message fixes every issue of its last review, not before', () => {
    const review = { role: 'assistant', content: answer('You are the Critic.') };
    const approved = answer('You are the Critic.', [
      review,
      { role: 'user', content: '[debugger]\n- Fixed issue 1 (x): done\n- Fixed issue 2 (y): done' },
    ]);
    expect(approved).toMatch(/^APPROVED\b/);
    const halfFixed = answer('You are the Critic.', [
      review,
      { role: 'user', content: '[debugger]\n- Fixed issue 1 (x): done. Fixed both.' },
    ]);
    expect(halfFixed).toMatch(/still open/);
    expect(halfFixed).not.toMatch(/approved/i);
  });

  it('has the debugger explain the fix and give a corrected file', () => {
    const text = answer('You are the Debugger.');
    expect(text).toMatch(/fix/i);
    expect(fencedFile(text)).toBe('merges_overlapping_time.py');
  });

  it('has the summarizer state how many contributions it saw and the task', () => {
    const text = answer('You are the Summarizer.', [
      { role: 'user', content: 'plan' },
      { role: 'user', content: 'code' },
      { role: 'user', content: 'review' },
    ]);
    expect(text).toContain('3 earlier contributions');
    expect(text).toContain(task);
  });

  it('gives researcher bullets, architect interfaces, documenter a markdown section and others a generic answer', () => {
    expect(answer('You are the Researcher.')).toMatch(/^- /m);
    expect(answer('You are the Architect.')).toMatch(/Interfaces/);
    expect(answer('You are the Documenter.')).toMatch(/^## /);
    expect(answer('You are a helpful assistant.')).toContain(task);
  });

  it('answers identically for the same variant and keeps task text from breaking code', () => {
    expect(answer('You are the Coder.', [], 5)).toBe(answer('You are the Coder.', [], 5));
    const tricky = answerFor(
      readConversation([
        { role: 'system', content: 'You are the Coder.' },
        { role: 'user', content: 'Parse """quotes""" and `ticks` \\ now' },
      ]),
      0,
    );
    const code = /```python\n([\s\S]*?)```/.exec(tricky.content)?.[1] ?? '';
    const docstring = code.split('\n')[1] ?? '';
    expect(docstring.match(/"""/g)).toHaveLength(2);
    expect(docstring).not.toMatch(/`|\\/);
  });

  it('in the code team, has the coder write a module that forgets to strip, and the debugger fix it', () => {
    const note = { role: 'user', content: '[runner]\nWrite the implementation now.' };
    const buggy = answer('You are the Coder.', [note]);
    expect(fencedFile(buggy)).toBe('merges_overlapping_time.py');
    expect(buggy).toContain('item = str(value)\n');
    expect(answer('You are the Coder.')).not.toContain('item = str(value)\n');
    const report = { role: 'user', content: '[runner]\nFAIL: test_strips_and_drops_blank_items' };
    const fixed = answer('You are the Debugger.', [report]);
    expect(fixed).toContain('`test_strips_and_drops_blank_items` failing');
    expect(fixed).toContain('.strip()');
  });

  it('keeps the bug in the debugger answer for an unfixable task', () => {
    const text = answerFor(
      readConversation([
        { role: 'system', content: 'You are the Debugger.' },
        { role: 'user', content: 'An unfixable function that merges overlapping time intervals' },
        { role: 'user', content: '[runner]\nFAIL: test_strips_and_drops_blank_items' },
      ]),
      0,
    ).content;
    expect(text).not.toContain('.strip()');
  });

  it("has the code team's reviewer approve when the runner reports passing tests, not when they fail", () => {
    const passing = {
      role: 'user',
      content: '[runner]\nAfter 2 run(s) the tests pass (4 passed, 0 failed, 0 errors).',
    };
    const failing = {
      role: 'user',
      content: '[runner]\nAfter 3 run(s) the tests still fail (3 passed, 1 failed, 0 errors).',
    };
    expect(answer('You are the Critic.', [passing])).toMatch(/^APPROVED\b/);
    expect(answer('You are the Critic.', [failing])).not.toMatch(/approved/i);
  });
});
