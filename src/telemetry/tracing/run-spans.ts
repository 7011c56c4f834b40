import type { RunState, StepStartedEvent, StoredRunEvent } from '../../core/index.js';
import { approvalSpan, chatSpan, sandboxSpan, stepAttributes, stepSpanKey, toolSpan } from './call-spans.js';
import { AGENTMESH, GEN_AI, STABLE } from './gen-ai-attributes.js';
import { buildSpanRecord, type SpanAttributeValue, type SpanRecord } from './span-record.js';

/** A span begun in this process whose end is still to come. */
interface OpenSpan {
  key: string;
  parentKey: string | null;
  name: string;
  startMs: number;
  /** The run's (or step's) cost when the span began: the span reports what was spent during it. */
  startCostUsd: number;
  attributes: Record<string, SpanAttributeValue | undefined>;
}

/** What this process has open of one run: the execution (the run, or a resumption of it) and its steps. */
interface RunTrace {
  execution: OpenSpan | null;
  steps: Map<string, OpenSpan>;
}

/**
 * Turns a run's events into finished spans with deterministic ids, so a run resumed or approved in
 * another process continues the same trace:
 *
 * - `run <team>` (key `run`, the root): run.started → run.finished, or → run.paused;
 * - `run.resume` (key `resume/<seq>`, child of the root): run.resumed → run.finished or the next pause;
 * - `step <agent>` (key `step/<stepId>/<attempt>`, child of the execution): step.started → step.completed
 *   or step.failed; still open at a pause (a tool call waits for approval), it ends there;
 * - `chat <model>`, `execute_tool <tool>`, `approval`, `sandbox run`: children of the step attempt the run
 *   state says is current, each built from one event (see call-spans.ts).
 *
 * Only runs and steps need remembering between events, and both begin and end in the same process.
 */
export class RunSpans {
  readonly #runs = new Map<string, RunTrace>();

  /** The spans `event` finishes (often none). */
  onEvent(event: StoredRunEvent, state: RunState): SpanRecord[] {
    switch (event.type) {
      case 'run.started':
        this.#open(event.runId, event.at, state, 'run', null, `run ${event.team}`, {
          [AGENTMESH.pattern]: event.pattern,
          [AGENTMESH.forkedFrom]: event.forkedFrom?.runId,
        });
        return [];
      case 'run.resumed': {
        // A run paused and resumed in this same process ended its execution span at the pause already.
        const ended = this.#endRun(event.runId, state, event.at, 'unfinished', {});
        this.#open(event.runId, event.at, state, `resume/${event.seq}`, 'run', 'run.resume', {
          [AGENTMESH.resumedFrom]: event.from,
        });
        return ended;
      }
      case 'run.paused':
        return this.#endRun(event.runId, state, event.at, 'paused', { [AGENTMESH.runStatus]: state.status });
      case 'run.finished':
        return this.#endRun(
          event.runId,
          state,
          event.at,
          'unfinished',
          { [AGENTMESH.runStatus]: event.status, [AGENTMESH.stopReason]: event.stopReason },
          event.status === 'failed' ? (event.error?.code ?? event.stopReason) : undefined,
        );
      case 'step.started':
        this.#openStep(event, state);
        return [];
      case 'step.completed':
        return this.#endStep(event.runId, event.stepId, state, event.at, 'completed');
      case 'step.failed':
        return this.#endStep(event.runId, event.stepId, state, event.at, 'failed', event.error.code, {
          [AGENTMESH.willRetry]: event.willRetry === true,
        });
      case 'llm.completed':
      case 'llm.failed':
        return [chatSpan(event, state, this.#parentOf(event.runId, event.stepId, state))];
      case 'tool.completed':
      case 'tool.failed':
        return [toolSpan(event, state, this.#parentOf(event.runId, event.stepId, state))];
      case 'approval.decided':
        return [approvalSpan(event, state, this.#parentOf(event.runId, event.stepId, state))];
      case 'tests.ran':
        return [sandboxSpan(event, state, this.#parentOf(event.runId, event.stepId, state))];
      default:
        return [];
    }
  }

  /** Ends every span still open at `atMs`, marked interrupted (the process stops before its runs paused or finished). */
  closeAll(atMs: number): SpanRecord[] {
    const at = new Date(atMs).toISOString();
    const spans: SpanRecord[] = [];
    for (const [runId, trace] of [...this.#runs]) {
      for (const [stepId, step] of [...trace.steps]) {
        spans.push(this.#finish(runId, step, at, step.startCostUsd, { [AGENTMESH.interrupted]: true }));
        trace.steps.delete(stepId);
      }
      if (trace.execution) {
        const { execution } = trace;
        spans.push(
          this.#finish(runId, execution, at, execution.startCostUsd, { [AGENTMESH.interrupted]: true }),
        );
      }
      this.#runs.delete(runId);
    }
    return spans;
  }

  #open(
    runId: string,
    at: string,
    state: RunState,
    key: string,
    parentKey: string | null,
    name: string,
    attributes: OpenSpan['attributes'],
  ): void {
    const trace = this.#runs.get(runId) ?? { execution: null, steps: new Map() };
    trace.execution = {
      key,
      parentKey,
      name,
      startMs: Date.parse(at),
      startCostUsd: state.usage.costUsd,
      attributes: { [AGENTMESH.runId]: runId, [AGENTMESH.team]: state.team, ...attributes },
    };
    this.#runs.set(runId, trace);
  }

  /** Ends the run's open steps and its execution span; the run is forgotten until it resumes here. */
  #endRun(
    runId: string,
    state: RunState,
    at: string,
    stepOutcome: 'paused' | 'unfinished',
    attributes: OpenSpan['attributes'],
    errorCode?: string,
  ): SpanRecord[] {
    const trace = this.#runs.get(runId);
    if (!trace) return [];
    // Steps still open: at a pause, those holding a tool call for approval; otherwise none in a healthy run.
    const spans = [...trace.steps.keys()].flatMap((stepId) =>
      this.#endStep(runId, stepId, state, at, stepOutcome),
    );
    const { execution } = trace;
    if (execution) {
      spans.push(
        this.#finish(
          runId,
          execution,
          at,
          state.usage.costUsd,
          { ...attributes, [AGENTMESH.llmCalls]: state.calls },
          errorCode,
        ),
      );
    }
    this.#runs.delete(runId);
    return spans;
  }

  #openStep(event: StepStartedEvent, state: RunState): void {
    const { runId, stepId, agentId, round } = event;
    const trace = this.#runs.get(runId) ?? { execution: null, steps: new Map() };
    this.#runs.set(runId, trace);
    const step = state.steps.find((candidate) => candidate.stepId === stepId);
    const key = stepSpanKey(state, stepId) ?? `step/${stepId}/1`;
    trace.steps.set(stepId, {
      key,
      parentKey: trace.execution?.key ?? 'run',
      name: `step ${agentId}`,
      startMs: Date.parse(event.at),
      startCostUsd: step?.usage?.costUsd ?? 0,
      attributes: {
        ...stepAttributes({ runId, stepId, agentId }, state),
        [GEN_AI.agentName]: agentId,
        [AGENTMESH.attempt]: step?.attempts ?? 1,
        [AGENTMESH.round]: round,
      },
    });
  }

  #endStep(
    runId: string,
    stepId: string,
    state: RunState,
    at: string,
    outcome: 'completed' | 'failed' | 'paused' | 'unfinished',
    errorCode?: string,
    attributes: OpenSpan['attributes'] = {},
  ): SpanRecord[] {
    const step = this.#runs.get(runId)?.steps.get(stepId);
    if (!step) return [];
    this.#runs.get(runId)?.steps.delete(stepId);
    const costUsd = state.steps.find((candidate) => candidate.stepId === stepId)?.usage?.costUsd ?? 0;
    return [
      this.#finish(
        runId,
        step,
        at,
        costUsd,
        { ...attributes, [AGENTMESH.outcome]: outcome, [STABLE.errorType]: errorCode },
        errorCode,
      ),
    ];
  }

  #finish(
    runId: string,
    span: OpenSpan,
    at: string,
    costUsd: number,
    attributes: OpenSpan['attributes'],
    errorCode?: string,
  ): SpanRecord {
    return buildSpanRecord({
      runId,
      key: span.key,
      parentKey: span.parentKey,
      name: span.name,
      startMs: span.startMs,
      endMs: Date.parse(at),
      attributes: {
        ...span.attributes,
        ...attributes,
        [AGENTMESH.costUsd]: Math.max(0, costUsd - span.startCostUsd),
      },
      ...(errorCode !== undefined && { errorCode }),
    });
  }

  /** The parent of a span under step `stepId`: its current attempt, else the execution, else the root. */
  #parentOf(runId: string, stepId: string, state: RunState): string {
    return stepSpanKey(state, stepId) ?? this.#runs.get(runId)?.execution?.key ?? 'run';
  }
}
