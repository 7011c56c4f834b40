import type { ErrorInfo } from '../errors/index.js';
import type { TranscriptMessage } from './messages.js';
import type { RunEvent, RunStatus, StopReason } from './run-events.js';
import { addUsage, type Usage, ZERO_USAGE } from './usage.js';

/** Status of one step, folded from its events. */
export interface StepState {
  stepId: string;
  agentId: string;
  round: number;
  status: 'running' | 'completed' | 'failed';
  error?: ErrorInfo;
}

/** One runner step of the code team: the bundle's tests ran (or could not), folded from `tests.ran`. */
export interface TestRunState {
  stepId: string;
  agentId: string;
  iteration: number;
  passed: boolean;
  counts: { passed: number; failed: number; errors: number };
  isolation: string;
  durationMs: number;
  report: string;
  notRun?: string;
}

/** Everything known about a run, derived from its event log by {@link foldRun}. */
export interface RunState {
  runId: string;
  task: string;
  team: string;
  pattern: string;
  agents: string[];
  status: RunStatus;
  stopReason: StopReason | null;
  output: string | null;
  error: ErrorInfo | null;
  transcript: TranscriptMessage[];
  steps: StepState[];
  /** The code team's test runs, in order; empty for other teams. */
  testRuns: TestRunState[];
  usage: Usage;
  /** LLM attempts made, successful or not. */
  calls: number;
  startedAt: string;
  finishedAt: string | null;
}

/** Applies one event to a run state. Pure: returns a new state. */
export function applyRunEvent(state: RunState | undefined, event: RunEvent): RunState {
  if (event.type === 'run.started') {
    return {
      runId: event.runId,
      task: event.task,
      team: event.team,
      pattern: event.pattern,
      agents: event.agents,
      status: 'running',
      stopReason: null,
      output: null,
      error: null,
      transcript: [],
      steps: [],
      testRuns: [],
      usage: ZERO_USAGE,
      calls: 0,
      startedAt: event.at,
      finishedAt: null,
    };
  }
  if (!state) throw new Error(`Run log of ${event.runId} does not begin with run.started`);
  switch (event.type) {
    case 'step.started':
      return {
        ...state,
        steps: [
          ...state.steps,
          { stepId: event.stepId, agentId: event.agentId, round: event.round, status: 'running' },
        ],
      };
    case 'llm.completed':
      return { ...state, usage: addUsage(state.usage, event.usage), calls: state.calls + 1 };
    case 'llm.failed':
      return {
        ...state,
        usage: event.usage ? addUsage(state.usage, event.usage) : state.usage,
        calls: state.calls + 1,
      };
    case 'message.added': {
      const { stepId, agentId, content, reasoningContent, model } = event;
      const message: TranscriptMessage = { stepId, agentId, content, model };
      if (reasoningContent) message.reasoningContent = reasoningContent;
      return { ...state, transcript: [...state.transcript, message] };
    }
    case 'step.completed':
      return { ...state, steps: updateStep(state.steps, event.stepId, { status: 'completed' }) };
    case 'step.failed':
      return {
        ...state,
        steps: updateStep(state.steps, event.stepId, { status: 'failed', error: event.error }),
      };
    case 'tests.ran': {
      const { stepId, agentId, iteration, passed, counts, isolation, durationMs, report, notRun } = event;
      const run: TestRunState = { stepId, agentId, iteration, passed, counts, isolation, durationMs, report };
      if (notRun !== undefined) run.notRun = notRun;
      return { ...state, testRuns: [...state.testRuns, run] };
    }
    case 'breaker.changed':
      return state;
    case 'run.finished':
      return {
        ...state,
        status: event.status,
        stopReason: event.stopReason,
        output: event.output,
        error: event.error ?? null,
        finishedAt: event.at,
      };
  }
}

/** Folds a whole event log into the run's state. */
export function foldRun(events: Iterable<RunEvent>): RunState {
  let state: RunState | undefined;
  for (const event of events) state = applyRunEvent(state, event);
  if (!state) throw new Error('Cannot fold an empty run log');
  return state;
}

function updateStep(steps: StepState[], stepId: string, patch: Partial<StepState>): StepState[] {
  return steps.map((step) => (step.stepId === stepId ? { ...step, ...patch } : step));
}
