import { setMaxListeners } from 'node:events';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import type { ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import type { RunState } from '../core/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { RunStore } from '../store/run-store.js';
import { teamWorkflow } from '../teams/team-workflow.js';
import type { Toolbox } from '../tools/agent-tools.js';
import { ConcurrencyLimits } from '../workflow/concurrency-limits.js';
import { executeRun } from '../workflow/execute-run.js';
import type { RunRecorder } from '../workflow/run-recorder.js';
import { newLeaseOwner, takeRunLease } from './run-lease.js';
import { writeArtifacts } from './write-artifacts.js';

/** Concurrency limits shared by every run of this process, so `limits.concurrency.global` holds across runs. */
const PROCESS_LIMITS = new ConcurrencyLimits();

/** A run after this process stopped executing it: finished (with artifacts) or paused for approval. */
export interface DrivenRun {
  state: RunState;
  /** Where the artifacts were written; null while the run waits for a human decision. */
  artifactsDir: string | null;
}

/** Options for {@link driveRun}. */
export interface DriveRunOptions {
  config: ResolvedConfig;
  team: TeamConfig;
  task: string;
  store: RunStore;
  /** Holds the run's state: just started, or folded from the log of a run being resumed. */
  recorder: RunRecorder;
  gateway: LlmGateway;
  signal: AbortSignal;
  onTextDelta?: (agentId: string, delta: string) => void;
  sandbox?: Sandbox;
  /** The run's tools; the caller opens it (MCP servers start) and closes it. */
  toolbox?: Toolbox;
  limits?: ConcurrencyLimits;
  now?: () => Date;
  /** Runs once the lease is held and appends are fenced, before any step (e.g. record `run.resumed`). */
  beforeSteps?: (leaseOwner: string) => Promise<void>;
}

/**
 * Executes a run under its lease: takes the lease (compare-and-swap), fences every append on it, runs
 * the team's workflow, and writes the artifacts once the run has finished. Losing the lease to another
 * process aborts this execution without writing anything more.
 */
export async function driveRun(options: DriveRunOptions): Promise<DrivenRun> {
  const { config, team, store, recorder, signal, now = () => new Date() } = options;
  const runId = recorder.state.runId;
  const leaseLost = new AbortController();
  const lease = await takeRunLease(store, runId, newLeaseOwner(), {
    onLost: () => leaseLost.abort(),
    now: () => now().getTime(),
  });
  try {
    recorder.fence(lease.owner);
    await options.beforeSteps?.(lease.owner);
    const workflow = teamWorkflow({
      config,
      team,
      task: options.task,
      gateway: options.gateway,
      now,
      ...(options.onTextDelta && { onTextDelta: options.onTextDelta }),
      ...(options.sandbox && { sandbox: options.sandbox }),
      ...(options.toolbox && { toolbox: options.toolbox }),
    });
    const runSignal = AbortSignal.any([signal, leaseLost.signal]);
    setMaxListeners(0, runSignal);
    const state = await executeRun({
      recorder,
      workflow,
      signal: runSignal,
      maxCostUsd: config.limits.maxCostUsd,
      limits: options.limits ?? PROCESS_LIMITS,
      concurrency: {
        global: config.limits.concurrency.global,
        run: team.concurrency ?? config.limits.concurrency.run,
      },
      stepPolicy: config.limits.step,
      now,
    });
    if (state.status === 'awaiting_approval') return { state, artifactsDir: null };
    const artifactsDir = writeArtifacts(state, config.store.artifactsDir, {
      maxIterations: team.maxIterations,
    });
    return { state, artifactsDir };
  } finally {
    await lease.release();
  }
}
