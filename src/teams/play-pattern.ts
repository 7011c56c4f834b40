import { visibleTranscript } from '../agents/run-agent-turn.js';
import { applyRunEvent, type RunEvent, type RunState, type TranscriptMessage } from '../core/index.js';
import type { StepEventInput, WorkflowDecision, WorkflowStep } from '../workflow/workflow.js';
import type { TeamPattern } from './team-pattern.js';

/** Options for {@link playPattern}. */
export interface PlayPatternOptions {
  pattern: TeamPattern;
  /** @default 'task' */
  task?: string;
  /** A step's answer, given the messages it would see (its inputs, or the whole transcript). */
  answer: (step: WorkflowStep, visible: TranscriptMessage[], state: RunState) => string;
  /** Rewrites a step's result events as a workflow's runStep may (e.g. `selectionEvents`). */
  results?: (events: StepEventInput[], step: WorkflowStep) => StepEventInput[];
  /** Gives up after this many decisions. @default 200 */
  maxDecisions?: number;
  /**
   * Run each decision's steps one after another (each completing before the next starts) instead of
   * all at once; a pattern must give the same transcript either way. @default false
   */
  oneAtATime?: boolean;
}

/** A pattern played to its end: the folded state, the final decision, and each batch of steps run. */
export interface PlayedPattern {
  state: RunState;
  finish: Extract<WorkflowDecision, { kind: 'finish' }>;
  batches: WorkflowStep[][];
}

const at = '2026-01-01T00:00:00.000Z';

/**
 * Plays a team pattern in memory with scripted answers, without models or an executor: each decision's
 * new steps all start, every one answers from the same state (as if they ran at once), and they
 * complete in reverse order, so a pattern that sorts by finishing order shows; `oneAtATime` shows one
 * that leaks a sibling's output.
 * For unit tests of patterns, and for trying a team's shape without keys.
 */
export function playPattern({
  pattern,
  task = 'task',
  answer,
  results = (events) => events,
  maxDecisions = 200,
  oneAtATime = false,
}: PlayPatternOptions): PlayedPattern {
  const runId = 'run_play';
  let state = applyRunEvent(undefined, {
    type: 'run.started',
    runId,
    at,
    task,
    team: 'play',
    pattern: 'play',
    agents: [],
  });
  const apply = (event: StepEventInput) => {
    state = applyRunEvent(state, { ...event, runId, at } as RunEvent);
  };
  const batches: WorkflowStep[][] = [];
  for (let i = 0; i < maxDecisions; i++) {
    const decision = pattern.next(state);
    if (decision.kind === 'finish') return { state, finish: decision, batches };
    const done = new Set(state.steps.filter((s) => s.status === 'completed').map((s) => s.stepId));
    const batch = decision.steps.filter((step) => !done.has(step.stepId));
    if (batch.length === 0)
      throw new Error(`The pattern asked only for completed steps at decision ${i + 1}`);
    batches.push(batch);
    const start = (step: WorkflowStep) => {
      const { stepId, agentId, round, order, instruction } = step;
      apply({
        type: 'step.started',
        stepId,
        agentId,
        round,
        ...(order && { order }),
        ...(instruction !== undefined && { instruction }),
      });
    };
    const complete = (step: WorkflowStep, content: string) => {
      const { stepId, agentId } = step;
      const events = results(
        [{ type: 'message.added', stepId, agentId, content, model: 'play:model' }],
        step,
      );
      for (const event of events) apply(event);
      apply({ type: 'step.completed', stepId, agentId });
    };
    const answerOf = (step: WorkflowStep) =>
      answer(step, visibleTranscript(state.transcript, step.inputs), state);
    if (oneAtATime) {
      for (const step of batch) {
        start(step);
        complete(step, answerOf(step));
      }
      continue;
    }
    for (const step of batch) start(step);
    const answered = batch.map((step) => ({ step, content: answerOf(step) }));
    for (const { step, content } of answered.reverse()) complete(step, content);
  }
  throw new Error(`The pattern did not finish within ${maxDecisions} decisions`);
}
