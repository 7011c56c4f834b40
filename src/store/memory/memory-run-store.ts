import {
  addUsage,
  type BreakerChangedEvent,
  type RunEvent,
  type RunStartedEvent,
  type StoredRunEvent,
  ZERO_USAGE,
} from '../../core/index.js';
import { latestBreakerStates } from '../latest-breaker-states.js';
import { llmCallFromEvent } from '../llm-call-from-event.js';
import { parseStoredRunEvent, serializeRunEvent } from '../run-event-json.js';
import type { ListRunsOptions, LlmCallRecord, RunStore, RunSummary } from '../run-store.js';
import { runAlreadyStartedError, runNotFoundError, storeClosedError } from '../run-store-errors.js';
import { aggregateUsage, compareCallsByTime } from '../usage-aggregate.js';
import type { UsageQuery, UsageRow } from '../usage-query.js';

/** Where errors say the run store is. */
const WHERE = '<memory>';

interface RunEntry {
  summary: RunSummary;
  /** Payloads kept as JSON, exactly as SQLite keeps them, so both adapters round-trip alike. */
  payloads: string[];
  /** Each call with the seq of its event, which orders calls of one run at the same instant. */
  calls: { seq: number; call: LlmCallRecord }[];
}

/** Upper bound for "no until": every ISO time sorts below it. */
const END_OF_TIME = '\uffff';

/** The in-memory reference RunStore: same semantics as the SQLite adapter, for tests and users' tests. */
export class MemoryRunStore implements RunStore {
  // A Map iterates in insertion order, which breaks createdAt ties in listRuns like SQLite's rowid.
  readonly #runs = new Map<string, RunEntry>();
  #closed = false;

  /** Appends an event and updates the run's summary and LLM calls in one synchronous step. */
  async append(event: RunEvent): Promise<StoredRunEvent> {
    this.#assertOpen();
    return this.#appendOne(event);
  }

  /** Appends events all-or-nothing: on an invalid event, the runs touched are restored. */
  async appendAll(events: readonly RunEvent[]): Promise<StoredRunEvent[]> {
    this.#assertOpen();
    const before = new Map(
      events.map(({ runId }) => {
        const entry = this.#runs.get(runId);
        return [
          runId,
          entry && { ...entry, payloads: [...entry.payloads], calls: [...entry.calls] },
        ] as const;
      }),
    );
    try {
      return events.map((event) => this.#appendOne(event));
    } catch (error) {
      for (const [runId, entry] of before) {
        if (entry) this.#runs.set(runId, entry);
        else this.#runs.delete(runId);
      }
      throw error;
    }
  }

  #appendOne(event: RunEvent): StoredRunEvent {
    const payload = serializeRunEvent(event);
    let entry = this.#runs.get(event.runId);
    if (event.type === 'run.started') {
      if (entry) throw runAlreadyStartedError({ runId: event.runId, where: WHERE });
      entry = { summary: startedSummary(event), payloads: [], calls: [] };
      this.#runs.set(event.runId, entry);
    } else if (!entry) {
      throw runNotFoundError({ runId: event.runId, eventType: event.type, where: WHERE });
    } else {
      entry.summary = applyToSummary(entry.summary, event);
    }
    entry.payloads.push(payload);
    const call = llmCallFromEvent(event);
    if (call) entry.calls.push({ seq: entry.payloads.length, call });
    return parseStoredRunEvent(payload, entry.payloads.length);
  }

  /** The run's log in seq order; empty for an unknown run. */
  async events(runId: string): Promise<StoredRunEvent[]> {
    this.#assertOpen();
    const payloads = this.#runs.get(runId)?.payloads ?? [];
    return payloads.map((payload, index) => parseStoredRunEvent(payload, index + 1));
  }

  /** The run's summary, or undefined for an unknown run. */
  async getRun(runId: string): Promise<RunSummary | undefined> {
    this.#assertOpen();
    const entry = this.#runs.get(runId);
    return entry ? copySummary(entry.summary) : undefined;
  }

  /** Newest first by createdAt; ties go to the run started last. */
  async listRuns({ limit = 50, status }: ListRunsOptions = {}): Promise<RunSummary[]> {
    this.#assertOpen();
    const summaries = [...this.#runs.values()]
      .map((entry) => entry.summary)
      .reverse()
      .filter((summary) => status === undefined || summary.status === status);
    // Array.prototype.sort is stable, so reversed insertion order survives as the tie-break.
    summaries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return summaries.slice(0, Math.max(0, limit)).map(copySummary);
  }

  /** Every LLM attempt of the run, in log order. */
  async llmCalls(runId: string): Promise<LlmCallRecord[]> {
    this.#assertOpen();
    return (this.#runs.get(runId)?.calls ?? []).map(({ call }) => ({ ...call }));
  }

  /** Every LLM attempt with `since <= at < until`, by time, then run, then position in the run. */
  async llmCallsBetween(since: string, until: string): Promise<LlmCallRecord[]> {
    this.#assertOpen();
    const found: { at: string; runId: string; seq: number; call: LlmCallRecord }[] = [];
    for (const entry of this.#runs.values()) {
      for (const { seq, call } of entry.calls) {
        if (call.at >= since && call.at < until) found.push({ at: call.at, runId: call.runId, seq, call });
      }
    }
    return found.sort(compareCallsByTime).map(({ call }) => ({ ...call }));
  }

  /** Usage grouped as asked, over the calls of the period. */
  async usage({ by, since = '', until = END_OF_TIME }: UsageQuery): Promise<UsageRow[]> {
    return aggregateUsage(await this.llmCallsBetween(since, until), by);
  }

  /** The latest breaker.changed event per provider+model across all runs. */
  async breakerStates(): Promise<BreakerChangedEvent[]> {
    this.#assertOpen();
    const found: StoredRunEvent[] = [];
    for (const entry of this.#runs.values()) {
      entry.payloads.forEach((payload, index) => {
        const event = parseStoredRunEvent(payload, index + 1);
        if (event.type === 'breaker.changed') found.push(event);
      });
    }
    found.sort((a, b) => compareCallsByTime(a, b));
    return latestBreakerStates(found as (BreakerChangedEvent & { seq: number })[]);
  }

  /** Drops everything; later calls fail like they would on a closed database. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#runs.clear();
  }

  #assertOpen(): void {
    if (this.#closed) throw storeClosedError(WHERE);
  }
}

function startedSummary(event: RunStartedEvent): RunSummary {
  return {
    runId: event.runId,
    task: event.task,
    team: event.team,
    status: 'running',
    stopReason: null,
    createdAt: event.at,
    updatedAt: event.at,
    usage: ZERO_USAGE,
    calls: 0,
  };
}

function applyToSummary(summary: RunSummary, event: RunEvent): RunSummary {
  // updatedAt follows every event so a listing shows a running run's last sign of life.
  const next = { ...summary, updatedAt: event.at };
  switch (event.type) {
    case 'llm.completed':
      return { ...next, usage: addUsage(summary.usage, event.usage), calls: summary.calls + 1 };
    case 'llm.failed':
      return {
        ...next,
        usage: event.usage ? addUsage(summary.usage, event.usage) : summary.usage,
        calls: summary.calls + 1,
      };
    case 'run.finished':
      return { ...next, status: event.status, stopReason: event.stopReason };
    default:
      return next;
  }
}

function copySummary(summary: RunSummary): RunSummary {
  return { ...summary, usage: { ...summary.usage } };
}
