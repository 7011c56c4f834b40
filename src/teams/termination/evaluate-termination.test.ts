import { describe, expect, it } from 'vitest';
import { DEFAULT_REPETITION } from '../../config/resolve-termination.js';
import type { RepetitionConfig, TerminationConfig } from '../../config/resolved-config.js';
import { foldRun, type RunEvent, type RunState, ZERO_USAGE } from '../../core/index.js';
import { completedTurns, evaluateTermination, repetitionConditions } from './evaluate-termination.js';
import { findMessageRepeats } from './message-repetition.js';

interface Turn {
  agentId: string;
  content: string;
  instruction?: string;
  /** A select step that named this speaker. */
  selects?: string;
  tokens?: number;
  costUsd?: number;
}

/** The folded state of a run whose turns all completed, one LLM call each. */
function stateOf(turns: Turn[]): RunState {
  const runId = 'run_eval';
  const at = '2026-01-01T00:00:00.000Z';
  const events: RunEvent[] = [
    { type: 'run.started', runId, at, task: 't', team: 'chat', pattern: 'chat', agents: [] },
  ];
  turns.forEach((turn, index) => {
    const stepId = `${String(index).padStart(3, '0')}-${turn.agentId}`;
    const { agentId } = turn;
    events.push(
      {
        type: 'step.started',
        runId,
        at,
        stepId,
        agentId,
        round: 1,
        ...(turn.instruction && { instruction: turn.instruction }),
      },
      {
        type: 'llm.completed',
        runId,
        at,
        stepId,
        agentId,
        provider: 'sim',
        model: 'm',
        attempt: 1,
        latencyMs: 1,
        usage: {
          ...ZERO_USAGE,
          promptTokens: turn.tokens ?? 0,
          completionTokens: turn.tokens ?? 0,
          costUsd: turn.costUsd ?? 0,
        },
      },
      { type: 'message.added', runId, at, stepId, agentId, content: turn.content, model: 'sim:m' },
      ...(turn.selects
        ? [{ type: 'speaker.selected' as const, runId, at, stepId, agentId, speaker: turn.selects }]
        : []),
      { type: 'step.completed', runId, at, stepId, agentId },
    );
  });
  return foldRun(events);
}

const context = { roundSize: 2, elapsedMs: 0 };
const evaluate = (condition: TerminationConfig, state: RunState, elapsedMs = 0) =>
  evaluateTermination(condition, state, { ...context, elapsedMs });

const SUMMARY =
  'Here is an even more concise summary of the notes: the team agreed on a plan, implemented the parser, tested it and reviewed it; nothing else has changed.';
const distinct = (n: number) =>
  `Turn ${n}: ${'alpha beta gamma delta epsilon zeta eta theta'.split(' ').slice(0, n).join(' ')} ${n * 7}`;

describe('evaluateTermination: each condition', () => {
  it('maxRounds counts complete rounds of agent turns', () => {
    const three = stateOf([1, 2, 3].map((n) => ({ agentId: n % 2 ? 'a' : 'b', content: distinct(n) })));
    expect(evaluate({ maxRounds: 2 }, three)).toBeNull(); // 3 turns of 2 agents: 1 full round
    const four = stateOf([1, 2, 3, 4].map((n) => ({ agentId: n % 2 ? 'a' : 'b', content: distinct(n) })));
    expect(evaluate({ maxRounds: 2 }, four)).toBe('max_rounds');
  });

  it('does not count select steps as turns or messages', () => {
    const state = stateOf([
      { agentId: 'planner', content: 'coder', selects: 'coder' },
      { agentId: 'coder', content: distinct(1) },
      { agentId: 'planner', content: 'critic', selects: 'critic' },
    ]);
    expect(completedTurns(state)).toBe(1);
    expect(evaluateTermination({ maxRounds: 1 }, state, { roundSize: 1, elapsedMs: 0 })).toBe('max_rounds');
    expect(evaluate({ maxMessages: 2 }, state)).toBeNull();
    expect(evaluate({ maxMessages: 1 }, state)).toBe('max_messages');
  });

  it('mention needs the word on a first or last line, from the named agent when one is named', () => {
    const state = stateOf([
      { agentId: 'coder', content: 'This is not APPROVED yet.\nTERMINATE' },
      { agentId: 'critic', content: '1. Fix the tests' },
    ]);
    expect(evaluate({ mention: { text: 'APPROVED', from: null } }, state)).toBeNull();
    expect(evaluate({ mention: { text: 'TERMINATE', from: null } }, state)).toBe('mention');
    expect(evaluate({ mention: { text: 'TERMINATE', from: 'critic' } }, state)).toBeNull();
    expect(evaluate({ mention: { text: 'TERMINATE', from: 'coder' } }, state)).toBe('mention');
  });

  it('maxTokens sums prompt and completion tokens; maxCostUsd sums the cost', () => {
    const state = stateOf([
      { agentId: 'a', content: distinct(1), tokens: 30, costUsd: 0.2 },
      { agentId: 'b', content: distinct(2), tokens: 20, costUsd: 0.1 },
    ]);
    expect(evaluate({ maxTokens: 101 }, state)).toBeNull();
    expect(evaluate({ maxTokens: 100 }, state)).toBe('token_budget');
    expect(evaluate({ maxCostUsd: 0.31 }, state)).toBeNull();
    expect(evaluate({ maxCostUsd: 0.3 }, state)).toBe('cost_budget');
  });

  it('timeout compares the elapsed time of this execution', () => {
    const state = stateOf([]);
    expect(evaluate({ timeoutMs: 1000 }, state, 999)).toBeNull();
    expect(evaluate({ timeoutMs: 1000 }, state, 1000)).toBe('timeout');
  });
});

describe('evaluateTermination: repetition', () => {
  const stop: RepetitionConfig = { ...DEFAULT_REPETITION, threshold: 0.85, window: 2 };

  it("stops when an agent's newest message nearly repeats one of its own recent messages", () => {
    const state = stateOf([
      { agentId: 'summarizer', content: `${SUMMARY} Attempt 1.` },
      { agentId: 'critic', content: 'Shorter, please.' },
      { agentId: 'summarizer', content: `${SUMMARY} Attempt 2.` },
    ]);
    expect(evaluate({ repetition: stop }, state)).toBe('repetition');
    expect(findMessageRepeats(state, stop)).toEqual([
      {
        stepId: '002-summarizer',
        agentId: 'summarizer',
        similarity: expect.closeTo(0.93, 1),
        steered: false,
      },
    ]);
  });

  it("does not compare an agent with other agents' messages", () => {
    const state = stateOf([
      { agentId: 'coder', content: SUMMARY },
      { agentId: 'summarizer', content: SUMMARY },
    ]);
    expect(evaluate({ repetition: stop }, state)).toBeNull();
  });

  it('looks back only `window` messages of the agent', () => {
    const turns = [SUMMARY, distinct(3), distinct(5), SUMMARY].map((content) => ({ agentId: 'a', content }));
    expect(evaluate({ repetition: { ...stop, window: 2 } }, stateOf(turns))).toBeNull();
    expect(evaluate({ repetition: { ...stop, window: 3 } }, stateOf(turns))).toBe('repetition');
  });

  it('a message that says something new clears it', () => {
    const state = stateOf([
      { agentId: 'a', content: SUMMARY },
      { agentId: 'a', content: SUMMARY },
      { agentId: 'a', content: distinct(6) },
    ]);
    expect(evaluate({ repetition: stop }, state)).toBeNull();
  });

  it('with steer, holds only when the repeating step had been steered', () => {
    const steer: RepetitionConfig = { ...stop, action: 'steer', instruction: 'Say something new.' };
    const repeated = [
      { agentId: 'a', content: SUMMARY },
      { agentId: 'a', content: SUMMARY },
    ];
    expect(evaluate({ repetition: steer }, stateOf(repeated))).toBeNull();
    const steered = [
      ...repeated,
      { agentId: 'a', content: SUMMARY, instruction: 'Pattern note.\n\nSay something new.' },
    ];
    expect(evaluate({ repetition: steer }, stateOf(steered))).toBe('repetition');
  });
});

describe('evaluateTermination: any and all', () => {
  const state = stateOf([
    { agentId: 'a', content: distinct(1) },
    { agentId: 'b', content: 'APPROVED' },
  ]);

  it('any gives the reason of its first member that holds', () => {
    expect(
      evaluate(
        { any: [{ maxMessages: 5 }, { mention: { text: 'APPROVED', from: null } }, { maxRounds: 1 }] },
        state,
      ),
    ).toBe('mention');
    expect(evaluate({ any: [{ maxMessages: 5 }, { maxRounds: 2 }] }, state)).toBeNull();
  });

  it('all holds only when every member does, and joins their reasons in the order written', () => {
    expect(evaluate({ all: [{ maxRounds: 1 }, { mention: { text: 'APPROVED', from: null } }] }, state)).toBe(
      'max_rounds+mention',
    );
    expect(
      evaluate({ all: [{ maxRounds: 2 }, { mention: { text: 'APPROVED', from: null } }] }, state),
    ).toBeNull();
    expect(evaluate({ all: [{ maxMessages: 2 }, { maxMessages: 1 }] }, state)).toBe('max_messages');
  });

  it('nests', () => {
    const tree: TerminationConfig = {
      any: [
        { maxMessages: 10 },
        {
          all: [{ maxRounds: 1 }, { any: [{ maxTokens: 5 }, { mention: { text: 'APPROVED', from: 'b' } }] }],
        },
      ],
    };
    expect(evaluate(tree, state)).toBe('max_rounds+mention');
  });

  it('repetitionConditions finds every repetition condition in the tree, in order', () => {
    const first = { ...DEFAULT_REPETITION, window: 1 };
    const second = { ...DEFAULT_REPETITION, window: 2 };
    expect(
      repetitionConditions({
        any: [{ repetition: first }, { all: [{ maxRounds: 1 }, { repetition: second }] }],
      }),
    ).toEqual([first, second]);
  });
});
