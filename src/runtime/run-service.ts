// PLACEHOLDER: helper "runs" implements createRunService; the interface below is the contract.
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { StoredRunEvent } from '../core/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { RunStore, RunSummary } from '../store/run-store.js';
import type { RunEventListener } from '../workflow/run-recorder.js';
import type { RunApprovalDecision, StoredDecision } from './approve-run.js';
import type { DrivenRun } from './drive-run.js';

/** What is live about a run this process executes: its stored events, and tokens as they stream. */
export type LiveRunEvent =
  | { kind: 'event'; event: StoredRunEvent }
  | { kind: 'delta'; agentId: string; delta: string };

/** A request to start a run. */
export interface StartRunRequest {
  task: string;
  /** A configured team. @default config.defaultTeam */
  team?: string;
  /** Run this one agent alone instead of a team (the run's team is then `agent:<id>`). */
  agent?: string;
  /** USD cap for this run (lower than the config's wins). */
  maxCostUsd?: number;
  /** Who asked (`key:<name>`, `local`), for the logs. */
  by: string;
}

/** A run this service executes in the background. */
export interface StartedRun {
  runId: string;
  /** Settles when this process stops executing it: finished, paused for approval, or cancelled. Never rejects. */
  done: Promise<DrivenRun | { error: unknown }>;
}

/** Options for {@link createRunService}. */
export interface RunServiceOptions {
  /** The config in force now (agents may be changed while the server runs). */
  config: () => ResolvedConfig;
  /** Agents that may not run now (deactivated); a run that needs one is refused with `agent_inactive`. */
  inactiveAgents?: () => ReadonlySet<string>;
  store: RunStore;
  gateway: LlmGateway;
  /** Told about every stored event of every run (telemetry, metrics). */
  listeners?: RunEventListener[];
  now?: () => Date;
}

/** Starts, cancels, resumes and approves runs in this process, and tells subscribers what happens live. */
export interface RunService {
  /**
   * Checks the request (task, team or agent, inactive agents, API keys), then starts the run in the
   * background; resolves once `run.started` is stored. Bad input throws before anything is stored.
   */
  start(request: StartRunRequest): Promise<StartedRun>;
  /** Aborts a run this process executes (`run_not_active` when it does not, `run_not_found` when unknown). */
  cancel(runId: string, by: string): Promise<RunSummary>;
  /** Resumes a failed, cancelled or orphaned run in the background (`run_finished`, `run_leased`, …). */
  resume(runId: string, by: string): Promise<StartedRun>;
  /** Records a decision and, when no other approval waits, continues the run here in the background. */
  decide(
    decision: RunApprovalDecision,
  ): Promise<{ decision: StoredDecision; continuation: 'continuing' | 'approvals_pending' | 'leased' }>;
  /** Live events of a run while this process executes it; returns the unsubscribe function. */
  subscribe(runId: string, listener: (event: LiveRunEvent) => void): () => void;
  /** True while this process executes the run. */
  isExecuting(runId: string): boolean;
  /** Cancels every run in flight and waits until they have stopped (server shutdown). */
  close(): Promise<void>;
}

/** Creates the run service of `agentmesh serve`. */
export function createRunService(_options: RunServiceOptions): RunService {
  throw new Error('createRunService: not implemented yet');
}
