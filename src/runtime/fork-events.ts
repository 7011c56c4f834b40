import {
  foldRun,
  type LlmCompletedEvent,
  type RunEvent,
  type RunStartedEvent,
  ZERO_USAGE,
} from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';

/** Options for {@link forkEvents}. */
export interface ForkEventsOptions {
  /** The source run's whole log, in order. */
  source: readonly RunEvent[];
  /** 1-based: the step the fork runs again from (see {@link stepsInLog}). */
  fromStep: number;
  /** The new run's id and start time. */
  runId: string;
  at: string;
  /** The new run's team as the changed config defines it. */
  team: { pattern: string; agents: string[] };
}

/**
 * A run's steps in the order they first started: each distinct `stepId` of a `step.started` event, in
 * log order. Step K of `runs fork --from-step K` is the K-th of these.
 */
export function stepsInLog(events: readonly RunEvent[]): string[] {
  const steps: string[] = [];
  const seen = new Set<string>();
  for (const event of events) {
    if (event.type !== 'step.started' || seen.has(event.stepId)) continue;
    seen.add(event.stepId);
    steps.push(event.stepId);
  }
  return steps;
}

/**
 * The log of a fork of a run from step K: a new `run.started` (with `forkedFrom`), then the source's
 * events from before step K first started, keeping only those of steps that had completed by then
 * (with their LLM calls, messages and approvals) and events that belong to no step. Steps that were
 * still running or waiting at that point, and the source's own pauses, resumes and end, are left out.
 *
 * The kept LLM calls were paid for by the source run, not by the fork: they are marked `cached` with
 * zero usage and `savedUsd` set to what they cost, as a cache hit is, so the fork's usage, budgets and
 * reports count only what the fork itself spends.
 * @throws AgentMeshError `usage` when K is not between 1 and the number of steps
 */
export function forkEvents({ source, fromStep, runId, at, team }: ForkEventsOptions): RunEvent[] {
  const [started] = source;
  if (started?.type !== 'run.started') throw new Error('A run log must begin with run.started');
  const steps = stepsInLog(source);
  const cutStep = steps[fromStep - 1];
  if (!Number.isInteger(fromStep) || fromStep < 1 || cutStep === undefined) {
    throw new AgentMeshError({
      code: 'usage',
      message: `Run ${started.runId} has ${steps.length} step${steps.length === 1 ? '' : 's'}; --from-step must be ${steps.length === 0 ? 'a step it has' : `between 1 and ${steps.length}`}, not ${fromStep}.`,
      context: { runId: started.runId, steps: steps.length, fromStep },
    });
  }
  const cut = source.findIndex((event) => event.type === 'step.started' && event.stepId === cutStep);
  const before = source.slice(0, cut);
  const completed = new Set(
    foldRun(before)
      .steps.filter((step) => step.status === 'completed')
      .map((step) => step.stepId),
  );
  const runStarted: RunStartedEvent = {
    ...(withoutSeq(started) as RunStartedEvent),
    runId,
    at,
    pattern: team.pattern,
    agents: [...team.agents],
    forkedFrom: { runId: started.runId, step: fromStep },
  };
  const kept = before.slice(1).flatMap((event): RunEvent[] => {
    if (event.type === 'run.paused' || event.type === 'run.resumed' || event.type === 'run.finished')
      return [];
    const stepId = (event as { stepId?: string }).stepId;
    if (stepId !== undefined && !completed.has(stepId)) return [];
    return [reused({ ...withoutSeq(event), runId })];
  });
  return [runStarted, ...kept];
}

/** A copied event as the fork sees it: LLM calls the source paid for cost the fork nothing. */
function reused(event: RunEvent): RunEvent {
  if (event.type === 'llm.completed') {
    const savedUsd = event.cached ? (event.savedUsd ?? 0) : event.usage.costUsd;
    const copy: LlmCompletedEvent = { ...event, usage: ZERO_USAGE, cached: true, savedUsd };
    return copy;
  }
  if (event.type === 'llm.failed' && event.usage !== undefined) {
    const { usage: _paidBySource, ...rest } = event;
    return rest;
  }
  return event;
}

/** Stored events carry their position in the source log; the fork's store gives them new ones. */
function withoutSeq(event: RunEvent): RunEvent {
  const { seq: _position, ...rest } = event as RunEvent & { seq?: number };
  return rest as RunEvent;
}
