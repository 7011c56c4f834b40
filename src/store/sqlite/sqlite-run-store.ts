import type Database from 'better-sqlite3';
import type { BreakerChangedEvent, RunEvent, RunStatus, StoredRunEvent } from '../../core/index.js';
import { latestBreakerStates } from '../latest-breaker-states.js';
import { llmCallFromEvent } from '../llm-call-from-event.js';
import { parseStoredRunEvent, serializeRunEvent } from '../run-event-json.js';
import type { ListRunsOptions, LlmCallRecord, RunStore, RunSummary } from '../run-store.js';
import { runAlreadyStartedError, runNotFoundError, storeClosedError } from '../run-store-errors.js';
import { aggregateUsage } from '../usage-aggregate.js';
import type { UsageQuery, UsageRow } from '../usage-query.js';
import { applyMigrations } from './migrations.js';
import { closeWalDatabase, databasePath, openWalDatabase } from './open-wal-database.js';
import {
  type LlmCallRow,
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
  llmCalls: 'SELECT * FROM llm_calls WHERE run_id = ? ORDER BY seq',
  // Range scan on llm_calls_by_at; the tie-break is the order the memory adapter sums in.
  llmCallsBetween: `SELECT * FROM llm_calls WHERE at >= ? AND at < ? ORDER BY at, run_id, seq`,
  // run_events_by_type; read oldest first (ties as the memory adapter breaks them) so later events win.
  breakerEvents: `SELECT payload FROM run_events WHERE type = 'breaker.changed' ORDER BY at, run_id, seq`,
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };

/** The durable RunStore: one SQLite file, an append-only `run_events` log and its projections. */
export class SqliteRunStore implements RunStore {
  /** The database file (absolute), or `:memory:`; named in every error. */
  readonly path: string;
  readonly #db: Database.Database;
  readonly #stmts: Statements;
  readonly #appendTx: (events: readonly RunEvent[], payloads: readonly string[]) => number[];

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.path = path;
    this.#stmts = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
    // IMMEDIATE takes the write lock before reading MAX(seq), so two processes appending to one
    // run wait on busy_timeout instead of both computing the same seq.
    const tx = db.transaction((events: readonly RunEvent[], payloads: readonly string[]) =>
      events.map((event, i) => this.#appendInTx(event, payloads[i]!)),
    );
    this.#appendTx = (events, payloads) => tx.immediate(events, payloads);
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

  /** Appends an event and updates `runs` and `llm_calls` in one transaction. */
  async append(event: RunEvent): Promise<StoredRunEvent> {
    const [stored] = await this.appendAll([event]);
    return stored!;
  }

  /** Appends events in one transaction: all are stored, or none. */
  async appendAll(events: readonly RunEvent[]): Promise<StoredRunEvent[]> {
    const payloads = events.map(serializeRunEvent);
    const seqs = this.#guard('append to', () => this.#appendTx(events, payloads));
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

  /** Newest first by createdAt; ties go to the run started last. */
  async listRuns({ limit = 50, status }: ListRunsOptions = {}): Promise<RunSummary[]> {
    // A negative LIMIT means "no limit" to SQLite; the port means "nothing".
    const max = Math.max(0, Math.floor(limit));
    const rows = this.#guard('read', () =>
      status === undefined ? this.#stmts.listRuns.all(max) : this.#stmts.listRunsByStatus.all(status, max),
    ) as RunRow[];
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

  /** Closes the connection (checkpointing the WAL); closing twice is harmless. */
  async close(): Promise<void> {
    closeWalDatabase(this.#db, (error) => toStoreError(error, { action: 'close', path: this.path }));
  }

  #appendInTx(event: RunEvent, payload: string): number {
    const { runId, at } = event;
    if (event.type === 'run.started') {
      if (this.#stmts.runExists.get(runId)) throw runAlreadyStartedError({ runId, where: this.path });
      this.#stmts.insertRun.run({ runId, task: event.task, team: event.team, at });
    } else if (this.#updateRun(event) === 0) {
      throw runNotFoundError({ runId, eventType: event.type, where: this.path });
    }
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
    return this.#stmts.touchRun.run({ runId, at }).changes;
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
