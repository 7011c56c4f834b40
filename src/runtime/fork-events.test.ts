import { describe, expect, it } from 'vitest';
import { foldRun, type RunEvent, type Usage } from '../core/index.js';
import { forkEvents, stepsInLog } from './fork-events.js';

const SRC = 'run_source';
const at = '2026-01-01T00:00:00.000Z';
const usage: Usage = {
  promptTokens: 10,
  completionTokens: 5,
  cachedTokens: 0,
  reasoningTokens: 0,
  costUsd: 0.25,
};
const team = { pattern: 'parallel', agents: ['planner', 'researcher', 'coder', 'summarizer'] };

const started = (stepId: string, agentId: string, order: number[]): RunEvent => ({
  type: 'step.started',
  runId: SRC,
  at,
  stepId,
  agentId,
  round: 0,
  order,
});
const answered = (stepId: string, agentId: string): RunEvent[] => [
  {
    type: 'llm.completed',
    runId: SRC,
    at,
    stepId,
    agentId,
    provider: 'sim',
    model: 'm',
    attempt: 1,
    latencyMs: 3,
    usage,
  },
  { type: 'message.added', runId: SRC, at, stepId, agentId, content: `${agentId} says`, model: 'sim:m' },
  { type: 'step.completed', runId: SRC, at, stepId, agentId },
];

/** planner; then researcher and coder at once (coder finishes first); then summarizer. */
const log: RunEvent[] = [
  {
    type: 'run.started',
    runId: SRC,
    at,
    task: 'T',
    team: 'parallel',
    pattern: 'parallel',
    agents: team.agents,
  },
  started('0-planner', 'planner', [0]),
  ...answered('0-planner', 'planner'),
  started('1-researcher', 'researcher', [1, 0]),
  started('1-coder', 'coder', [1, 1]),
  {
    type: 'llm.failed',
    runId: SRC,
    at,
    stepId: '1-coder',
    agentId: 'coder',
    provider: 'sim',
    model: 'm',
    attempt: 1,
    latencyMs: 1,
    error: { code: 'llm_empty_response', message: 'empty', retryable: true, context: {} },
    usage,
  },
  ...answered('1-coder', 'coder'),
  { type: 'breaker.changed', runId: SRC, at, provider: 'sim', model: 'm', state: 'closed' },
  ...answered('1-researcher', 'researcher'),
  started('2-summarizer', 'summarizer', [2]),
  ...answered('2-summarizer', 'summarizer'),
  { type: 'run.finished', runId: SRC, at, status: 'succeeded', stopReason: 'completed', output: 'done' },
];

const fork = (fromStep: number) =>
  forkEvents({ source: log, fromStep, runId: 'run_fork', at: '2026-02-02T00:00:00.000Z', team });

describe('stepsInLog', () => {
  it('lists each step once, in the order it first started', () => {
    expect(stepsInLog(log)).toEqual(['0-planner', '1-researcher', '1-coder', '2-summarizer']);
  });
});

describe('forkEvents', () => {
  it('starts a new run that names its source and step', () => {
    const [first] = fork(2);
    expect(first).toEqual({
      type: 'run.started',
      runId: 'run_fork',
      at: '2026-02-02T00:00:00.000Z',
      task: 'T',
      team: 'parallel',
      pattern: 'parallel',
      agents: team.agents,
      forkedFrom: { runId: SRC, step: 2 },
    });
    expect(fork(2).every((event) => event.runId === 'run_fork')).toBe(true);
  });

  it('from step 1 keeps nothing but the start', () => {
    expect(fork(1)).toHaveLength(1);
  });

  it('keeps the steps completed before step K started, and drops those still running then', () => {
    // Step 4 (summarizer) started after planner, coder and researcher had all completed.
    const state = foldRun(fork(4));
    expect(state.steps.map((step) => [step.stepId, step.status])).toEqual([
      ['0-planner', 'completed'],
      ['1-researcher', 'completed'],
      ['1-coder', 'completed'],
    ]);
    expect(state.transcript.map((message) => message.agentId)).toEqual(['planner', 'researcher', 'coder']);
    expect(state.status).toBe('running');

    // Step 3 (coder) started while the researcher was running: only the planner is kept.
    const earlier = fork(3);
    expect(foldRun(earlier).steps.map((step) => step.stepId)).toEqual(['0-planner']);
    expect(earlier.some((event) => 'stepId' in event && event.stepId !== '0-planner')).toBe(false);
  });

  it('keeps events of no step, and never the source run’s end', () => {
    const events = fork(4);
    expect(events.some((event) => event.type === 'breaker.changed')).toBe(true);
    expect(events.some((event) => event.type === 'run.finished')).toBe(false);
  });

  it('counts reused calls as cache hits: the fork paid nothing for them', () => {
    const events = fork(4);
    const completed = events.filter((event) => event.type === 'llm.completed');
    expect(completed).toHaveLength(3);
    for (const event of completed) {
      expect(event).toMatchObject({ cached: true, savedUsd: 0.25, usage: { costUsd: 0, promptTokens: 0 } });
    }
    const failed = events.find((event) => event.type === 'llm.failed');
    expect(failed).toBeDefined();
    expect(failed && 'usage' in failed).toBe(false);
    const state = foldRun(events);
    expect(state.usage.costUsd).toBe(0);
    expect(state.calls).toBe(4);
  });

  it('drops the stored position of copied events', () => {
    const stored = log.map((event, index) => ({ ...event, seq: index + 1 }));
    const events = forkEvents({ source: stored, fromStep: 2, runId: 'run_fork', at, team });
    expect(events.some((event) => 'seq' in event)).toBe(false);
  });

  it('refuses a step the run does not have, naming its step count', () => {
    for (const bad of [0, 5, 1.5]) {
      expect(() => fork(bad)).toThrow(
        expect.objectContaining({
          code: 'usage',
          message: `Run ${SRC} has 4 steps; --from-step must be between 1 and 4, not ${bad}.`,
        }),
      );
    }
  });
});
