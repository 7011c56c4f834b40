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
import type { MetricsQuery, MetricsTotals } from '../metrics-query.js';
import { metricsTotalsOf } from '../metrics-totals.js';
import { approvalDecidedEvent, approvalNotPendingError, pendingApproval } from '../pending-approval.js';
import { parseStoredRunEvent, serializeRunEvent } from '../run-event-json.js';
import { parseRunListCursor } from '../run-list-cursor.js';
import type {
  AppendOptions,
  ApprovalDecision,
  ApprovalRecord,
  ListRunsOptions,
  LlmCallRecord,
  RunLease,
  RunStore,
  RunSummary,
} from '../run-store.js';
import {
  approvalExistsError,
  leaseLostError,
  runAlreadyStartedError,
  runNotFoundError,
  storeClosedError,
  unknownRunError,
} from '../run-store-errors.js';
import { taskPreview } from '../task-preview.js';
import { aggregateUsage, compareCallsByTime } from '../usage-aggregate.js';
import type { UsageQuery, UsageRow } from '../usage-query.js';

/** Where errors say the run store is. */
const WHERE = '<memory>';

/** A run's summary as the log projects it; the lease is added when it is read. */
type LoggedSummary = Omit<RunSummary, 'lease'>;

interface RunEntry {
  summary: LoggedSummary;
  /** Payloads kept as JSON, exactly as SQLite keeps them, so both adapters round-trip alike. */
  payloads: string[];
  /** Each call with the seq of its event, which orders calls of one run at the same instant. */
  calls: { seq: number; call: LlmCallRecord }[];
  /** Each approval with the store-wide order it was requested in, which breaks requestedAt ties. */
  approvals: { order: number; record: ApprovalRecord }[];
  lease: RunLease;
}

/** Upper bound for "no until": every ISO time sorts below it. */
const END_OF_TIME = '\uffff';

/** The in-memory reference RunStore: same semantics as the SQLite adapter, for tests and users' tests. */
export class MemoryRunStore implements RunStore {
  // A Map iterates in insertion order, which breaks createdAt ties in listRuns like SQLite's rowid.
  readonly #runs = new Map<string, RunEntry>();
  #approvalsRequested = 0;
  #closed = false;

  /** Appends an event and updates the run's summary, LLM calls and approvals in one synchronous step. */
  async append(event: RunEvent, options?: AppendOptions): Promise<StoredRunEvent> {
    const [stored] = await this.appendAll([event], options);
    return stored!;
  }

  /**
   * Appends events all-or-nothing: on an invalid event, the runs touched are restored. With
   * `leaseOwner`, every stored run touched must be leased to it, else `lease_lost` (as in SQLite, a run
   * not stored yet is not fenced).
   */
  async appendAll(
    events: readonly RunEvent[],
    { leaseOwner }: AppendOptions = {},
  ): Promise<StoredRunEvent[]> {
    this.#assertOpen();
    return this.#appendAllNow(events, leaseOwner);
  }

  /** Synchronous, so nothing else runs between the checks and the writes. */
  #appendAllNow(events: readonly RunEvent[], leaseOwner?: string): StoredRunEvent[] {
    if (leaseOwner !== undefined) this.#assertLeaseHeld(events, leaseOwner);
    const before = new Map(
      events.map(({ runId }) => {
        const entry = this.#runs.get(runId);
        const copy = entry && {
          ...entry,
          payloads: [...entry.payloads],
          calls: [...entry.calls],
          approvals: [...entry.approvals],
        };
        return [runId, copy] as const;
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
      const lease = { owner: null, expiresAt: null, version: 0 };
      entry = { summary: startedSummary(event), payloads: [], calls: [], approvals: [], lease };
      this.#runs.set(event.runId, entry);
    } else if (!entry) {
      throw runNotFoundError({ runId: event.runId, eventType: event.type, where: WHERE });
    } else {
      entry.summary = applyToSummary(entry.summary, event);
    }
    this.#projectApproval(entry, event);
    entry.payloads.push(payload);
    const call = llmCallFromEvent(event);
    if (call) entry.calls.push({ seq: entry.payloads.length, call });
    return parseStoredRunEvent(payload, entry.payloads.length);
  }

  /** Keeps the run's approvals in step with its log; records are replaced, never mutated (rollback). */
  #projectApproval(entry: RunEntry, event: RunEvent): void {
    const { runId } = event;
    if (event.type === 'approval.requested') {
      const { approvalId, stepId, agentId, at } = event;
      if (entry.approvals.some(({ record }) => record.approvalId === approvalId)) {
        throw approvalExistsError({ runId, approvalId, where: WHERE });
      }
      const record: ApprovalRecord = {
        approvalId,
        runId,
        stepId,
        agentId,
        status: 'pending',
        comment: null,
        decidedBy: null,
        requestedAt: at,
        decidedAt: null,
      };
      entry.approvals.push({ order: this.#approvalsRequested++, record });
    } else if (event.type === 'approval.decided') {
      const { approvalId } = event;
      const index = entry.approvals.findIndex(
        ({ record }) => record.approvalId === approvalId && record.status === 'pending',
      );
      const found = entry.approvals[index];
      if (!found) {
        const approvals = entry.approvals.map(({ record }) => record);
        throw approvalNotPendingError({ runId, runStatus: entry.summary.status, approvalId, approvals });
      }
      entry.approvals[index] = {
        order: found.order,
        record: {
          ...found.record,
          status: event.decision,
          comment: event.comment ?? null,
          decidedBy: event.decidedBy ?? null,
          decidedAt: event.at,
        },
      };
    }
  }

  /** Refuses the batch unless `leaseOwner` holds the lease of every stored run it touches. */
  #assertLeaseHeld(events: readonly RunEvent[], leaseOwner: string): void {
    for (const runId of new Set(events.map((event) => event.runId))) {
      const lease = this.#runs.get(runId)?.lease;
      if (lease && lease.owner !== leaseOwner)
        throw leaseLostError({ runId, leaseOwner, holder: lease.owner });
    }
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
    return entry ? summaryOf(entry) : undefined;
  }

  /** Newest first by createdAt; ties go to the run started last; after the cursor's run when given. */
  async listRuns({ limit = 50, status, cursor }: ListRunsOptions = {}): Promise<RunSummary[]> {
    this.#assertOpen();
    const after = cursor === undefined ? undefined : parseRunListCursor(cursor);
    const ids = [...this.#runs.keys()];
    // The cursor run's place in insertion order breaks createdAt ties, like SQLite's rowid; gone: none.
    const cursorIndex = after === undefined ? -1 : ids.indexOf(after.runId);
    const summaries = [...this.#runs.values()]
      .map(summaryOf)
      .map((summary, index) => ({ summary, index }))
      .reverse()
      .filter(({ summary }) => status === undefined || summary.status === status)
      .filter(
        ({ summary, index }) =>
          after === undefined ||
          summary.createdAt < after.createdAt ||
          (summary.createdAt === after.createdAt && index < cursorIndex),
      )
      .map(({ summary }) => summary);
    // Array.prototype.sort is stable, so reversed insertion order survives as the tie-break.
    summaries.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return summaries.slice(0, Math.max(0, limit));
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

  /** Calls, tools, statuses and steps in flight over every run, as the SQLite adapter sums them. */
  async metricsTotals(query: MetricsQuery): Promise<MetricsTotals> {
    this.#assertOpen();
    const runs = [...this.#runs.values()].map((entry) => ({
      status: entry.summary.status,
      events: entry.payloads.map((payload, index) => parseStoredRunEvent(payload, index + 1)),
      calls: entry.calls.map(({ call }) => call),
    }));
    return metricsTotalsOf(runs, query);
  }

  /** The run's lease, or undefined for an unknown run. */
  async lease(runId: string): Promise<RunLease | undefined> {
    this.#assertOpen();
    const lease = this.#runs.get(runId)?.lease;
    return lease && { ...lease };
  }

  /** Sets the lease (null frees it) and bumps its version, only if the version is still `expectedVersion`. */
  async swapLease(
    runId: string,
    expectedVersion: number,
    next: { owner: string; expiresAt: string } | null,
  ): Promise<boolean> {
    this.#assertOpen();
    const entry = this.#runs.get(runId);
    if (entry?.lease.version !== expectedVersion) return false;
    entry.lease = {
      owner: next?.owner ?? null,
      expiresAt: next?.expiresAt ?? null,
      version: expectedVersion + 1,
    };
    return true;
  }

  /** Moves the expiry while `owner` holds the lease, leaving the version alone; false when it does not. */
  async renewLease(runId: string, owner: string, expiresAt: string): Promise<boolean> {
    this.#assertOpen();
    const entry = this.#runs.get(runId);
    if (entry?.lease.owner !== owner) return false;
    entry.lease = { ...entry.lease, expiresAt };
    return true;
  }

  /** Finds the pending approval and appends `approval.decided`, in one synchronous step. */
  async decideApproval(decision: ApprovalDecision): Promise<StoredRunEvent> {
    this.#assertOpen();
    const { runId, approvalId } = decision;
    const entry = this.#runs.get(runId);
    if (!entry) throw unknownRunError({ runId, where: WHERE });
    const approvals = entry.approvals.map(({ record }) => record);
    const approval = pendingApproval({ runId, runStatus: entry.summary.status, approvalId, approvals });
    const [stored] = this.#appendAllNow([approvalDecidedEvent(approval, decision)]);
    return stored!;
  }

  /** Approvals oldest first (ties in request order), by run and/or status. */
  async approvals({
    runId,
    status,
  }: {
    runId?: string;
    status?: ApprovalRecord['status'];
  } = {}): Promise<ApprovalRecord[]> {
    this.#assertOpen();
    const entries = runId === undefined ? [...this.#runs.values()] : [this.#runs.get(runId)];
    return entries
      .flatMap((entry) => entry?.approvals ?? [])
      .filter(({ record }) => status === undefined || record.status === status)
      .sort((a, b) =>
        a.record.requestedAt < b.record.requestedAt
          ? -1
          : a.record.requestedAt > b.record.requestedAt
            ? 1
            : a.order - b.order,
      )
      .map(({ record }) => ({ ...record }));
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

function startedSummary(event: RunStartedEvent): LoggedSummary {
  return {
    runId: event.runId,
    task: taskPreview(event.task),
    team: event.team,
    status: 'running',
    stopReason: null,
    createdAt: event.at,
    updatedAt: event.at,
    usage: ZERO_USAGE,
    calls: 0,
  };
}

function applyToSummary(summary: LoggedSummary, event: RunEvent): LoggedSummary {
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
    case 'run.paused':
      return { ...next, status: 'awaiting_approval' };
    case 'run.resumed':
      return { ...next, status: 'running', stopReason: null };
    default:
      return next;
  }
}

/** A copy of the run's summary with its current lease, safe to hand out. */
function summaryOf({ summary, lease }: RunEntry): RunSummary {
  const { owner, expiresAt } = lease;
  return {
    ...summary,
    usage: { ...summary.usage },
    lease: owner === null ? null : { owner, expiresAt: expiresAt ?? '' },
  };
}
