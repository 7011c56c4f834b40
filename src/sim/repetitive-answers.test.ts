import { describe, expect, it } from 'vitest';
import { shingleSimilarity } from '../teams/termination/shingle-similarity.js';
import type { Conversation, SimRole } from './conversation.js';
import { repetitiveAnswer } from './repetitive-answers.js';

const conversation = (role: SimRole, task: string, earlierAnswers: number): Conversation => ({
  role,
  task,
  earlierAnswers,
  contributions: 0,
  lastUserMessage: 'You are repeating yourself. Say something new.',
});

describe('repetitiveAnswer', () => {
  const task = 'Summarise the repetitive meeting notes';

  it('has the critic and the summarizer say nearly the same thing every round, whatever they are told', () => {
    for (const role of ['critic', 'summarizer'] as const) {
      const first = repetitiveAnswer(conversation(role, task, 0))!;
      const second = repetitiveAnswer(conversation(role, task, 1))!;
      expect(second).not.toBe(first);
      expect(shingleSimilarity(first, second)).toBeGreaterThan(0.9);
    }
    expect(repetitiveAnswer(conversation('critic', task, 0))).not.toMatch(/APPROVED/);
  });

  it('leaves other roles and other tasks to the usual answers', () => {
    expect(repetitiveAnswer(conversation('planner', task, 0))).toBeNull();
    expect(repetitiveAnswer(conversation('critic', 'Summarise the meeting notes', 0))).toBeNull();
  });
});
