import type Database from 'better-sqlite3';
import type { BreakerChangedEvent, RunEvent, RunStatus, StoredRunEvent } from '../../core/index.js';
import { latestBreakerStates } from '../latest-breaker-states.js';
import { llmCallFromEvent } from '../llm-call-from-event.js';
import type { MetricsQuery, MetricsTotals } from '../metrics-query.js';
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
import { aggregateUsage } from '../usage-aggregate.js';
import type { UsageQuery, UsageRow } from '../usage-query.js';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import {
  type ApprovalRow,
  approvalFromRow,
  type LeaseRow,
  type LlmCallRow,
  leaseFromRow,
  llmCallFromRow,
  llmCallParams,
  type RunRow,
  runSummaryFromRow,
} from './sqlite-rows.js';
import { type StoreAction, toStoreError } from './sqlite-store-error.js';

/** Options for {@link SqliteRunStore.open}. */
export interface SqliteRunStoreOptions {
  /** The database file (parent directories are created), or `:memory:`. */
  path: string;
  /** How long a write waits for another process's lock before failing. @default 5000 */
  busyTimeoutMs?: number;
}

/** A run's columns plus its unpriced calls, counted over the (run_id, seq) primary key of llm_calls. */
const RUN_COLUMNS = `runs.*, (SELECT COUNT(*) FROM llm_calls
  WHERE llm_calls.run_id = runs.run_id AND cost_known = 0) AS unpriced_calls`;

/** Upper bound for "no until": every ISO time sorts below it. */
const END_OF_TIME = '\uffff';

/** The statements of {@link SqliteRunStore}; exported so tests can check their query plans. */
export const SQL = {
  runExists: 'SELECT 1 FROM runs WHERE run_id = ?',
  insertRun: `INSERT INTO runs (run_id, task, team, status, created_at, updated_at)
    VALUES (@runId, @task, @team, 'running', @at, @at)`,
  touchRun: 'UPDATE runs SET updated_at = @at WHERE run_id = @runId',
  // Failed attempts arrive with zero usage, so one statement counts both outcomes.
  recordCall: `UPDATE runs SET updated_at = @at, calls = calls + 1,
    prompt_tokens = prompt_tokens + @promptTokens, completion_tokens = completion_tokens + @completionTokens,
    cached_tokens = cached_tokens + @cachedTokens, reasoning_tokens = reasoning_tokens + @reasoningTokens,
    cost_usd = cost_usd + @costUsd
    WHERE run_id = @runId`,
  finishRun: `UPDATE runs SET updated_at = @at, status = @status, stop_reason = @stopReason
    WHERE run_id = @runId`,
  pauseRun: `UPDATE runs SET updated_at = @at, status = 'awaiting_approval' WHERE run_id = @runId`,
  resumeRun: `UPDATE runs SET updated_at = @at, status = 'running', stop_reason = NULL WHERE run_id = @runId`,
  runStatus: 'SELECT status FROM runs WHERE run_id = ?',
  lease: 'SELECT lease_owner, lease_expires_at, lease_version FROM runs WHERE run_id = ?',
  // The compare-and-swap: of two swaps from one version, the second finds the version moved on.
  swapLease: `UPDATE runs SET lease_owner = @owner, lease_expires_at = @expiresAt, lease_version = lease_version + 1
    WHERE run_id = @runId AND lease_version = @expectedVersion`,
  renewLease: `UPDATE runs SET lease_expires_at = @expiresAt WHERE run_id = @runId AND lease_owner = @owner`,
  // A repeated id is a conflict on the (run_id, approval_id) key, reported as 0 changes.
  insertApproval: `INSERT INTO approvals (run_id, approval_id, step_id, agent_id, status, requested_at)
    VALUES (@runId, @approvalId, @stepId, @agentId, 'pending', @at)
    ON CONFLICT (run_id, approval_id) DO NOTHING`,
  // The once-only guard: a decided approval no longer matches status = 'pending'.
  decideApproval: `UPDATE approvals SET status = @decision, comment = @comment, decided_by = @decidedBy,
    decided_at = @at WHERE run_id = @runId AND approval_id = @approvalId AND status = 'pending'`,
  // rowid breaks requested_at ties in the order the approvals were requested, like the memory adapter.
  approvals: 'SELECT * FROM approvals ORDER BY requested_at, rowid',
  approvalsOfRun: 'SELECT * FROM approvals WHERE run_id = ? ORDER BY requested_at, rowid',
  approvalsByStatus: 'SELECT * FROM approvals WHERE status = ? ORDER BY requested_at, rowid',
  approvalsOfRunByStatus:
    'SELECT * FROM approvals WHERE run_id = ? AND status = ? ORDER BY requested_at, rowid',
  nextSeq: 'SELECT COALESCE(MAX(seq), 0) + 1 FROM run_events WHERE run_id = ?',
  insertEvent: `INSERT INTO run_events (run_id, seq, type, at, payload)
    VALUES (@runId, @seq, @type, @at, @payload)`,
  insertCall: `INSERT INTO llm_calls (run_id, seq, step_id, agent_id, provider, model, attempt, outcome,
      prompt_tokens, completion_tokens, cached_tokens, reasoning_tokens, cost_usd, cost_known, cached,
      saved_usd, latency_ms, status, error_code, error_message, request_id, at)
    VALUES (@runId, @seq, @stepId, @agentId, @provider, @model, @attempt, @outcome,
      @promptTokens, @completionTokens, @cachedTokens, @reasoningTokens, @costUsd, @costKnown, @cached,
      @savedUsd, @latencyMs, @status, @errorCode, @errorMessage, @requestId, @at)`,
  events: 'SELECT seq, payload FROM run_events WHERE run_id = ? ORDER BY seq',
  getRun: `SELECT ${RUN_COLUMNS} FROM runs WHERE run_id = ?`,
  // rowid breaks created_at ties in favour of the run inserted last, like the memory adapter.
  listRuns: `SELECT ${RUN_COLUMNS} FROM runs ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  listRunsByStatus: `SELECT ${RUN_COLUMNS} FROM runs WHERE status = ? ORDER BY created_at DESC, rowid DESC LIMIT ?`,
  // After a cursor: older, or as old and stored before it. A cursor run no longer stored: older only.
  listRunsAfter: `SELECT ${RUN_COLUMNS} FROM runs WHERE (created_at < @createdAt OR (created_at = @createdAt
      AND rowid < (SELECT rowid FROM runs WHERE run_id = @runId))) ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
  listRunsByStatusAfter: `SELECT ${RUN_COLUMNS} FROM runs WHERE status = @status AND (created_at < @createdAt
      OR (created_at = @createdAt AND rowid < (SELECT rowid FROM runs WHERE run_id = @runId)))
    ORDER BY created_at DESC, rowid DESC LIMIT @limit`,
  llmCalls: 'SELECT * FROM llm_calls WHERE run_id = ? ORDER BY seq',
  // Range scan on llm_calls_by_at; the tie-break is the order the memory adapter sums in.
  llmCallsBetween: `SELECT * FROM llm_calls WHERE at >= ? AND at < ? ORDER BY at, run_id, seq`,
  // run_events_by_type; read oldest first (ties as the memory adapter breaks them) so later events win.
  breakerEvents: `SELECT payload FROM run_events WHERE type = 'breaker.changed' ORDER BY at, run_id, seq`,
  // run_events_by_type; a tool call that has not finished is not counted yet.
  toolCallTotals: `SELECT json_extract(payload, '$.tool') AS tool,
      CASE type WHEN 'tool.completed' THEN 'ok' ELSE 'error' END AS outcome, COUNT(*) AS calls
    FROM run_events WHERE type IN ('tool.completed', 'tool.failed') GROUP BY tool, outcome ORDER BY tool, outcome`,
  runsByStatus: 'SELECT status, COUNT(*) AS runs FROM runs GROUP BY status ORDER BY status',
  // Only the logs of running runs are read. With MAX(), SQLite takes the bare column `type` from the row
  // holding the maximum, i.e. each step's last step event: still `step.started` means in flight.
  stepsInFlight: `SELECT COUNT(*) FROM (
      SELECT e.type AS last_type, MAX(e.seq)
      FROM runs r JOIN run_events e ON e.run_id = r.run_id
      WHERE r.status = 'running' AND e.type IN ('step.started', 'step.completed', 'step.failed')
      GROUP BY e.run_id, json_extract(e.payload, '$.stepId')
    ) WHERE last_type = 'step.started'`,
} as const;

/** The llm_calls aggregate behind /metrics, with one cumulative bucket column per latency bound. */
function llmCallTotalsSql(bucketCount: number): string {
  const buckets = Array.from({ length: bucketCount }, (_, i) => `, SUM(latency_ms <= ?) AS le_${i}`).join('');
  return `SELECT provider, model, outcome, cached, COUNT(*) AS calls, SUM(prompt_tokens) AS prompt_tokens,
      SUM(completion_tokens) AS completion_tokens, SUM(cached_tokens) AS cached_tokens,
      SUM(reasoning_tokens) AS reasoning_tokens, TOTAL(cost_usd) AS cost_usd, TOTAL(latency_ms) AS latency_ms${buckets}
    FROM llm_calls GROUP BY provider, model, outcome, cached ORDER BY provider, model, outcome, cached`;
}

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };

/** The durable RunStore: one SQLite file, an append-only `run_events` log and its projections. */
export class SqliteRunStore implements RunStore {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  /** The llm_calls aggregate of /metrics, prepared once per number of latency buckets. */
  readonly #llmTotals = new Map<number, Database.Statement<unknown[]>>();
  readonly #appendTx: (
    events: readonly RunEvent[],
    payloads: readonly string[],
    leaseOwner?: string,
  ) => number[];
  readonly #decideTx: (decision: ApprovalDecision) => { seq: number; payload: string };

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.path = path;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    // IMMEDIATE takes the write lock before reading MAX(seq), so two processes appending to one
    // run wait on busy_timeout instead of both computing the same seq.
    const tx = db.transaction(
      (events: readonly RunEvent[], payloads: readonly string[], leaseOwner?: string) => {
        if (leaseOwner !== undefined) this.#assertLeaseHeld(events, leaseOwner);
        return events.map((event, i) => this.#appendInTx(event, payloads[i]!));
      },
    );
    this.#appendTx = (events, payloads, leaseOwner) => tx.immediate(events, payloads, leaseOwner);
    // Immediate too: the pending check and the decision see no other process's decision in between.
    const decide = db.transaction((decision: ApprovalDecision) => this.#decideInTx(decision));
    this.#decideTx = (decision) => decide.immediate(decision);
  }

  /** Opens (creating if needed) and migrates the store at `path`; throws a one-line `store` error. */
  static open({ path, busyTimeoutMs = 5000 }: SqliteRunStoreOptions): SqliteRunStore {
    const where = databasePath(path);
    let db: Database.Database | undefined;
    try {
      db = openWalDatabase(where, busyTimeoutMs);
      db.pragma('foreign_keys = ON');
      applyMigrations(db, { path: where });
      return new SqliteRunStore(db, where);
    } catch (error) {
      db?.close();
      throw toStoreError(error, { action: 'open', path: where });
    }
  }

  /** Appends an event and updates `runs`, `llm_calls` and `approvals` in one transaction. */
  async append(event: RunEvent, options?: AppendOptions): Promise<StoredRunEvent> {
    const [stored] = await this.appendAll([event], options);
    return stored!;
  }

  /**
   * Appends events in one transaction: all are stored, or none. With `leaseOwner`, every run touched
   * that exists must be leased to it (checked under the write lock), else `lease_lost`. A run not yet
   * stored is not fenced: nobody can hold its lease, and only its run.started can be appended.
   */
  async appendAll(
    events: readonly RunEvent[],
    { leaseOwner }: AppendOptions = {},
  ): Promise<StoredRunEvent[]> {
    const payloads = events.map(serializeRunEvent);
    const seqs = this.#guard('append to', () => this.#appendTx(events, payloads, leaseOwner));
    return payloads.map((payload, i) => parseStoredRunEvent(payload, seqs[i]!));
  }

  /** The run's log in seq order; empty for an unknown run. */
  async events(runId: string): Promise<StoredRunEvent[]> {
    const rows = this.#guard('read', () => this.#stmts.events.all(runId)) as {
      seq: number;
      payload: string;
    }[];
    return rows.map((row) => parseStoredRunEvent(row.payload, row.seq));
  }

  /** The run's summary, or undefined for an unknown run. */
  async getRun(runId: string): Promise<RunSummary | undefined> {
    const row = this.#guard('read', () => this.#stmts.getRun.get(runId)) as RunRow | undefined;
    return row ? runSummaryFromRow(row) : undefined;
  }

  /** Newest first by createdAt; ties go to the run started last; after the cursor's run when given. */
  async listRuns({ limit = 50, status, cursor }: ListRunsOptions = {}): Promise<RunSummary[]> {
    // A negative LIMIT means "no limit" to SQLite; the port means "nothing".
    const max = Math.max(0, Math.floor(limit));
    const after = cursor === undefined ? undefined : parseRunListCursor(cursor);
    const rows = this.#guard('read', () => {
      if (after !== undefined) {
        const params = { ...after, limit: max };
        return status === undefined
          ? this.#stmts.listRunsAfter.all(params)
          : this.#stmts.listRunsByStatusAfter.all({ ...params, status });
      }
      return status === undefined
        ? this.#stmts.listRuns.all(max)
        : this.#stmts.listRunsByStatus.all(status, max);
    }) as RunRow[];
    return rows.map(runSummaryFromRow);
  }

  /** Every LLM attempt of the run, in log order. */
  async llmCalls(runId: string): Promise<LlmCallRecord[]> {
    const rows = this.#guard('read', () => this.#stmts.llmCalls.all(runId)) as LlmCallRow[];
    return rows.map(llmCallFromRow);
  }

  /** Every LLM attempt with `since <= at < until`, by time, then run, then position in the run. */
  async llmCallsBetween(since: string, until: string): Promise<LlmCallRecord[]> {
    const rows = this.#guard('read', () => this.#stmts.llmCallsBetween.all(since, until)) as LlmCallRow[];
    return rows.map(llmCallFromRow);
  }

  /** Usage grouped as asked, summed in TypeScript over the calls of the period (one indexed range scan). */
  async usage({ by, since = '', until = END_OF_TIME }: UsageQuery): Promise<UsageRow[]> {
    return aggregateUsage(await this.llmCallsBetween(since, until), by);
  }

  /** The latest breaker.changed event per provider+model across all runs. */
  async breakerStates(): Promise<BreakerChangedEvent[]> {
    const rows = this.#guard('read', () => this.#stmts.breakerEvents.pluck().all()) as string[];
    return latestBreakerStates(rows.map((payload) => JSON.parse(payload) as BreakerChangedEvent));
  }

  /** Calls, tools, statuses and steps in flight, aggregated in SQL in one read transaction. */
  async metricsTotals({ latencyBucketsMs }: MetricsQuery): Promise<MetricsTotals> {
    const read = () => {
      const count = latencyBucketsMs.length;
      let llm = this.#llmTotals.get(count);
      if (!llm) {
        llm = this.#db.prepare(llmCallTotalsSql(count));
        this.#llmTotals.set(count, llm);
      }
      return {
        llmCalls: (llm.all(...latencyBucketsMs) as LlmTotalsRow[]).map((row) => llmTotalsFromRow(row, count)),
        toolCalls: this.#stmts.toolCallTotals.all() as MetricsTotals['toolCalls'],
        runsByStatus: this.#stmts.runsByStatus.all() as MetricsTotals['runsByStatus'],
        stepsInFlight: this.#stmts.stepsInFlight.pluck().get() as number,
      };
    };
    // One deferred transaction: every figure comes from the same snapshot of the database.
    return this.#guard('read', () => this.#db.transaction(read)());
  }

  /** The run's lease columns, or undefined for an unknown run. */
  async lease(runId: string): Promise<RunLease | undefined> {
    const row = this.#guard('read', () => this.#stmts.lease.get(runId)) as LeaseRow | undefined;
    return row ? leaseFromRow(row) : undefined;
  }

  /** One conditional UPDATE on the run's lease version; true when this call won the swap. */
  async swapLease(
    runId: string,
    expectedVersion: number,
    next: { owner: string; expiresAt: string } | null,
  ): Promise<boolean> {
    const params = { runId, expectedVersion, owner: next?.owner ?? null, expiresAt: next?.expiresAt ?? null };
    return this.#guard('write to', () => this.#stmts.swapLease.run(params).changes === 1);
  }

  /** Moves the expiry while `owner` holds the lease, leaving the version alone; false when it does not. */
  async renewLease(runId: string, owner: string, expiresAt: string): Promise<boolean> {
    return this.#guard(
      'write to',
      () => this.#stmts.renewLease.run({ runId, owner, expiresAt }).changes === 1,
    );
  }

  /** Marks the pending approval and appends `approval.decided`, in one immediate transaction. */
  async decideApproval(decision: ApprovalDecision): Promise<StoredRunEvent> {
    const { seq, payload } = this.#guard('append to', () => this.#decideTx(decision));
    return parseStoredRunEvent(payload, seq);
  }

  /** Approvals oldest first (ties in request order), by run and/or status. */
  async approvals({
    runId,
    status,
  }: {
    runId?: string;
    status?: ApprovalRecord['status'];
  } = {}): Promise<ApprovalRecord[]> {
    const { approvals, approvalsOfRun, approvalsByStatus, approvalsOfRunByStatus } = this.#stmts;
    const rows = this.#guard('read', () => {
      if (runId !== undefined && status !== undefined) return approvalsOfRunByStatus.all(runId, status);
      if (runId !== undefined) return approvalsOfRun.all(runId);
      if (status !== undefined) return approvalsByStatus.all(status);
      return approvals.all();
    }) as ApprovalRow[];
    return rows.map(approvalFromRow);
  }

  /** Closes the connection (checkpointing the WAL); closing twice is harmless. */
  async close(): Promise<void> {
    closeWalDatabase(this.#db, (error) => toStoreError(error, { action: 'close', path: this.path }));
  }

  #appendInTx(event: RunEvent, payload: string): number {
    const { runId, at } = event;
    if (event.type === 'run.started') {
      if (this.#stmts.runExists.get(runId)) throw runAlreadyStartedError({ runId, where: this.path });
      this.#stmts.insertRun.run({ runId, task: taskPreview(event.task), team: event.team, at });
    } else if (this.#updateRun(event) === 0) {
      throw runNotFoundError({ runId, eventType: event.type, where: this.path });
    }
    this.#projectApproval(event);
    const seq = this.#stmts.nextSeq.pluck().get(runId) as number;
    this.#stmts.insertEvent.run({ runId, seq, type: event.type, at, payload });
    const call = llmCallFromEvent(event);
    if (call) this.#stmts.insertCall.run(llmCallParams(call, seq));
    return seq;
  }

  /** Applies a non-start event to the `runs` row; returns the rows changed (0: unknown run). */
  #updateRun(event: Exclude<RunEvent, { type: 'run.started' }>): number {
    const { runId, at } = event;
    const call = llmCallFromEvent(event);
    if (call) return this.#stmts.recordCall.run(call).changes;
    if (event.type === 'run.finished') {
      const status: RunStatus = event.status;
      return this.#stmts.finishRun.run({ runId, at, status, stopReason: event.stopReason }).changes;
    }
    if (event.type === 'run.paused') return this.#stmts.pauseRun.run({ runId, at }).changes;
    if (event.type === 'run.resumed') return this.#stmts.resumeRun.run({ runId, at }).changes;
    return this.#stmts.touchRun.run({ runId, at }).changes;
  }

  /** Keeps `approvals` in step with the log: a request adds a pending row, a decision decides it once. */
  #projectApproval(event: RunEvent): void {
    const { runId } = event;
    if (event.type === 'approval.requested') {
      if (this.#stmts.insertApproval.run(event).changes === 0) {
        throw approvalExistsError({ runId, approvalId: event.approvalId, where: this.path });
      }
    } else if (event.type === 'approval.decided') {
      const params = { ...event, comment: event.comment ?? null, decidedBy: event.decidedBy ?? null };
      if (this.#stmts.decideApproval.run(params).changes !== 1) {
        const { approvalId } = event;
        throw approvalNotPendingError({ runId, approvalId, ...this.#approvalsOf(runId)! });
      }
    }
  }

  /** Refuses the batch unless `leaseOwner` holds the lease of every stored run it touches. */
  #assertLeaseHeld(events: readonly RunEvent[], leaseOwner: string): void {
    for (const runId of new Set(events.map((event) => event.runId))) {
      const row = this.#stmts.lease.get(runId) as LeaseRow | undefined;
      if (row && row.lease_owner !== leaseOwner) {
        throw leaseLostError({ runId, leaseOwner, holder: row.lease_owner });
      }
    }
  }

  #decideInTx(decision: ApprovalDecision): { seq: number; payload: string } {
    const { runId, approvalId } = decision;
    const found = this.#approvalsOf(runId);
    if (!found) throw unknownRunError({ runId, where: this.path });
    const approval = pendingApproval({ runId, approvalId, ...found });
    const event = approvalDecidedEvent(approval, decision);
    const payload = serializeRunEvent(event);
    return { seq: this.#appendInTx(event, payload), payload };
  }

  /** The run's status and every approval it has, or undefined for an unknown run. */
  #approvalsOf(runId: string): { runStatus: RunStatus; approvals: ApprovalRecord[] } | undefined {
    const runStatus = this.#stmts.runStatus.pluck().get(runId) as RunStatus | undefined;
    if (runStatus === undefined) return undefined;
    const rows = this.#stmts.approvalsOfRun.all(runId) as ApprovalRow[];
    return { runStatus, approvals: rows.map(approvalFromRow) };
  }

  /** The one place better-sqlite3 failures become `store` errors. */
  #guard<T>(action: StoreAction, fn: () => T): T {
    if (!this.#db.open) throw storeClosedError(this.path);
    try {
      return fn();
    } catch (error) {
      throw toStoreError(error, { action, path: this.path });
    }
  }
}

interface LlmTotalsRow {
  provider: string;
  model: string;
  outcome: 'ok' | 'error';
  cached: number;
  calls: number;
  prompt_tokens: number;
  completion_tokens: number;
  cached_tokens: number;
  reasoning_tokens: number;
  cost_usd: number;
  latency_ms: number;
  [bucket: `le_${number}`]: number;
}

function llmTotalsFromRow(row: LlmTotalsRow, bucketCount: number): MetricsTotals['llmCalls'][number] {
  return {
    provider: row.provider,
    model: row.model,
    outcome: row.outcome,
    cached: row.cached === 1,
    calls: row.calls,
    promptTokens: row.prompt_tokens,
    completionTokens: row.completion_tokens,
    cachedTokens: row.cached_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_usd,
    latencyMsSum: row.latency_ms,
    latencyBuckets: Array.from({ length: bucketCount }, (_, i) => row[`le_${i}`] ?? 0),
  };
}
