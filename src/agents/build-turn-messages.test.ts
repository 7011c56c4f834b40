import { describe, expect, it } from 'vitest';
import { buildTurnMessages } from './build-turn-messages.js';

describe('buildTurnMessages', () => {
  const base = { systemPrompt: 'You are the Critic.', task: 'Write fizzbuzz' };

  it('gives the first agent only its role prompt and the task', () => {
    expect(buildTurnMessages({ ...base, agentId: 'planner', transcript: [] })).toEqual([
      { role: 'system', content: 'You are the Critic.' },
      { role: 'user', content: 'Task:\nWrite fizzbuzz' },
    ]);
  });

  it("labels other agents' outputs and keeps the agent's own turns, with reasoning, as assistant turns", () => {
    const messages = buildTurnMessages({
      ...base,
      agentId: 'critic',
      transcript: [
        { stepId: '000-coder', agentId: 'coder', content: 'def f(): ...', model: 'sim:m' },
        {
          stepId: '001-critic',
          agentId: 'critic',
          content: '1. no tests',
          reasoningContent: 'hmm',
          model: 'sim:m',
        },
        { stepId: '002-coder', agentId: 'coder', content: 'fixed', model: 'sim:m' },
      ],
    });
    expect(messages.slice(2)).toEqual([
      { role: 'user', content: '[coder]\ndef f(): ...' },
      { role: 'assistant', content: '1. no tests', reasoningContent: 'hmm' },
      { role: 'user', content: '[coder]\nfixed' },
    ]);
  });

  it('ends with a user turn when the agent spoke last', () => {
    const messages = buildTurnMessages({
      ...base,
      agentId: 'critic',
      transcript: [{ stepId: '000-critic', agentId: 'critic', content: 'ok', model: 'sim:m' }],
    });
    expect(messages.at(-1)?.role).toBe('user');
  });
});
