import type { RunState, StoredRunEvent } from '../../core/index.js';
import type { RunEventListener } from '../../workflow/run-recorder.js';
import { traceIdOf } from '../tracing/run-tracer.js';
import type { Loggers } from './loggers.js';

/** How much of a task or tool arguments a line carries; the full text is in the run log. */
const MAX_TEXT = 300;

/**
 * A listener that logs every run event to its category, with run id, step id, agent id and trace id:
 * run lifecycle and breakers → system; steps, messages, tool calls → agent; LLM attempts → llm;
 * approvals → audit; failed LLM attempts, failed steps, failed runs and opened breakers also → error;
 * step, LLM, tool and run durations → performance. Logging never fails a run.
 */
export function logRunEvents(loggers: Loggers): RunEventListener {
  const stepStarts = new Map<string, number>();
  const traceIds = new Map<string, string>();
  let warned = false;
  return (event, state) => {
    try {
      let traceId = traceIds.get(event.runId);
      if (traceId === undefined) {
        traceId = traceIdOf(event.runId);
        traceIds.set(event.runId, traceId);
      }
      logEvent(loggers, event, state, { traceId, stepStarts });
      // A run that ends or waits for a human leaves this process (approve may continue it in another).
      if (event.type === 'run.finished' || event.type === 'run.paused') {
        traceIds.delete(event.runId);
        for (const key of stepStarts.keys()) if (key.startsWith(`${event.runId}/`)) stepStarts.delete(key);
      }
    } catch (error) {
      if (warned) return;
      warned = true;
      process.stderr.write(
        `agentmesh: warning: a run event could not be logged: ${(error as Error).message}\n`,
      );
    }
  };
}

interface LogContext {
  traceId: string;
  /** When each step in flight started (ms), by `<runId>/<stepId>`, for its duration. */
  stepStarts: Map<string, number>;
}

/** What every handler gets: the loggers, the fields every line of the event carries, the run's state. */
interface Line<E> {
  log: Loggers;
  event: E;
  ids: Record<string, unknown>;
  state: RunState;
  /** The step's duration when this process saw it start (a step resumed elsewhere has none). */
  stepDuration(): number | undefined;
  stepStarted(): void;
}

type Handlers = { [T in StoredRunEvent['type']]: (line: Line<Extract<StoredRunEvent, { type: T }>>) => void };

function logEvent(log: Loggers, event: StoredRunEvent, state: RunState, context: LogContext): void {
  const ids = {
    runId: event.runId,
    ...('stepId' in event && event.stepId !== undefined && { stepId: event.stepId }),
    ...('agentId' in event && event.agentId !== undefined && { agentId: event.agentId }),
    traceId: context.traceId,
    event: event.type,
    seq: event.seq,
  };
  const stepKey = 'stepId' in event ? `${event.runId}/${event.stepId}` : '';
  const line: Line<StoredRunEvent> = {
    log,
    event,
    ids,
    state,
    stepDuration() {
      const started = context.stepStarts.get(stepKey);
      context.stepStarts.delete(stepKey);
      return started === undefined ? undefined : Date.parse(event.at) - started;
    },
    stepStarted() {
      context.stepStarts.set(stepKey, Date.parse(event.at));
    },
  };
  (HANDLERS[event.type] as (line: Line<StoredRunEvent>) => void)(line);
}

const HANDLERS: Handlers = {
  'run.started': ({ log, event, ids }) => {
    const { team, pattern, agents } = event;
    log.system.info({ ...ids, team, pattern, agents, task: clip(event.task) }, `run started: team ${team}`);
    if (event.forkedFrom) log.system.info({ ...ids, forkedFrom: event.forkedFrom }, 'run forked');
  },
  'run.paused': ({ log, event, ids }) => {
    log.system.info({ ...ids, reason: event.reason }, 'run paused for a human decision');
  },
  'run.resumed': ({ log, event, ids }) => {
    log.system.info({ ...ids, from: event.from, by: event.by }, `run resumed from ${event.from}`);
  },
  'run.finished': ({ log, event, ids, state }) => {
    const durationMs = Date.parse(event.at) - Date.parse(state.startedAt);
    const { status, stopReason } = event;
    const fields = {
      ...ids,
      team: state.team,
      status,
      stopReason,
      durationMs,
      calls: state.calls,
      usage: state.usage,
    };
    const message = `run ${status} (${stopReason})`;
    if (status === 'failed') {
      log.system.error({ ...fields, error: event.error }, message);
      log.error.error({ ...fields, error: event.error }, message);
    } else if (status === 'cancelled') log.system.warn(fields, message);
    else log.system.info(fields, message);
    log.performance.info({ ...ids, kind: 'run', durationMs, status }, 'run duration');
  },
  'step.started': ({ log, event, ids, stepStarted }) => {
    stepStarted();
    log.agent.info(
      { ...ids, round: event.round, attempt: event.attempt ?? 1 },
      `step started: ${event.agentId}`,
    );
  },
  'step.completed': ({ log, event, ids, stepDuration }) => {
    const durationMs = stepDuration();
    log.agent.info({ ...ids, durationMs }, `step completed: ${event.agentId}`);
    if (durationMs !== undefined) log.performance.info({ ...ids, kind: 'step', durationMs }, 'step duration');
  },
  'step.failed': ({ log, event, ids, stepDuration }) => {
    const durationMs = stepDuration();
    const fields = { ...ids, durationMs, willRetry: event.willRetry ?? false, error: event.error };
    const message = `step failed: ${event.agentId}${event.willRetry ? ' (will retry)' : ''}`;
    log.agent.warn(fields, message);
    log.error.error(fields, message);
    if (durationMs === undefined) return;
    log.performance.info({ ...ids, kind: 'step', durationMs, outcome: 'error' }, 'step duration');
  },
  'message.added': ({ log, event, ids }) => {
    log.agent.info({ ...ids, model: event.model, chars: event.content.length }, 'message added');
  },
  'llm.completed': ({ log, event, ids }) => {
    const { provider, model, usage, latencyMs } = event;
    const cached = event.cached ?? false;
    log.llm.info(
      {
        ...ids,
        provider,
        model,
        attempt: event.attempt,
        latencyMs,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        cachedTokens: usage.cachedTokens,
        reasoningTokens: usage.reasoningTokens,
        costUsd: usage.costUsd,
        ...(usage.unpricedCalls && { unpriced: true }),
        cached,
        ...(event.savedUsd !== undefined && { savedUsd: event.savedUsd }),
        ...(event.finishReason !== undefined && { finishReason: event.finishReason }),
        ...(event.requestId !== undefined && { requestId: event.requestId }),
      },
      `llm call completed: ${provider}:${model}`,
    );
    log.performance.info({ ...ids, kind: 'llm', provider, model, latencyMs, cached }, 'llm latency');
  },
  'llm.failed': ({ log, event, ids }) => {
    const { provider, model, latencyMs } = event;
    const fields = {
      ...ids,
      provider,
      model,
      attempt: event.attempt,
      latencyMs,
      ...(event.status !== undefined && { status: event.status }),
      error: event.error,
    };
    const message = `llm call failed: ${provider}:${model}: ${event.error.code}`;
    log.llm.warn(fields, message);
    log.error.error(fields, message);
    log.performance.info(
      { ...ids, kind: 'llm', provider, model, latencyMs, outcome: 'error' },
      'llm latency',
    );
  },
  'breaker.changed': ({ log, event, ids }) => {
    const fields = { ...ids, provider: event.provider, model: event.model, state: event.state };
    const message = `circuit breaker ${event.state}: ${event.provider}:${event.model}`;
    if (event.state !== 'open') return void log.system.info(fields, message);
    log.system.warn(fields, message);
    log.error.error(fields, message);
  },
  'tool.called': ({ log, event, ids }) => {
    const { callId, tool, source, sideEffects, turn } = event;
    log.agent.info(
      { ...ids, callId, tool, source, sideEffects, turn, arguments: clip(event.arguments) },
      `tool called: ${tool}`,
    );
  },
  'tool.completed': ({ log, event, ids }) => {
    const { callId, tool, durationMs, bytes } = event;
    log.agent.info({ ...ids, callId, tool, durationMs, bytes }, `tool completed: ${tool}`);
    log.performance.info({ ...ids, kind: 'tool', tool, durationMs }, 'tool duration');
  },
  'tool.failed': ({ log, event, ids }) => {
    const { callId, tool, durationMs, error } = event;
    log.agent.warn({ ...ids, callId, tool, durationMs, error }, `tool failed: ${tool}: ${error.code}`);
    log.performance.info({ ...ids, kind: 'tool', tool, durationMs, outcome: 'error' }, 'tool duration');
  },
  'tests.ran': ({ log, event, ids }) => {
    const { iteration, passed, counts, isolation, durationMs } = event;
    const outcome = event.notRun ? 'not run' : passed ? 'passed' : 'failed';
    log.agent.info(
      {
        ...ids,
        iteration,
        passed,
        counts,
        isolation,
        durationMs,
        ...(event.notRun !== undefined && { notRun: event.notRun }),
      },
      `tests ${outcome}`,
    );
    log.performance.info({ ...ids, kind: 'tests', durationMs }, 'tests duration');
  },
  'approval.requested': ({ log, event, ids }) => {
    const callId = event.callId === undefined ? {} : { callId: event.callId };
    log.audit.info({ ...ids, approvalId: event.approvalId, ...callId }, 'approval requested');
  },
  'approval.decided': ({ log, event, ids }) => {
    log.audit.info(
      {
        ...ids,
        approvalId: event.approvalId,
        decision: event.decision,
        decidedBy: event.decidedBy ?? null,
        ...(event.comment !== undefined && { comment: clip(event.comment) }),
      },
      `approval ${event.decision}`,
    );
  },
  'speaker.selected': ({ log, event, ids }) => {
    log.agent.info({ ...ids, speaker: event.speaker }, `speaker selected: ${event.speaker}`);
  },
  'selection.failed': ({ log, event, ids }) => {
    log.agent.warn(
      { ...ids, answer: clip(event.answer), fallback: event.fallback },
      'speaker selection failed',
    );
  },
  'loop.detected': ({ log, event, ids }) => {
    const { kind, similarity, action } = event;
    log.agent.warn({ ...ids, kind, similarity, action }, `repetition detected (${action})`);
  },
};

function clip(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}
