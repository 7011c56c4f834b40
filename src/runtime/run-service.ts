import { resolveTeam } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import type { StoredRunEvent } from '../core/index.js';
import { AgentMeshError, isAgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { RunStore, RunSummary } from '../store/run-store.js';
import type { RunEventListener } from '../workflow/run-recorder.js';
import {
  approveRun,
  type Continuation,
  type RunApprovalDecision,
  type StoredDecision,
} from './approve-run.js';
import type { DrivenRun } from './drive-run.js';
import { loadResumableRun, resumeRun } from './resume-run.js';
import { checkAgentsActive, checkRunRequest } from './run-request-checks.js';
import { runTask } from './run-task.js';
import { configForTeam } from './solo-agent-team.js';

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

/** What a background run is handed: its signal, and the listeners that feed subscribers. */
interface RunIo {
  signal: AbortSignal;
  listeners: RunEventListener[];
  onTextDelta: (agentId: string, delta: string) => void;
}

/** A run executing in the background, from its launch until it stops. */
interface Execution {
  controller: AbortController;
  done: Promise<DrivenRun | { error: unknown }>;
}

/** A launched background run: `ready` once `isReady` accepts a stored event, rejected if it throws before. */
interface Launched<T> {
  ready: Promise<StoredRunEvent>;
  result: Promise<T>;
  done: Execution['done'];
}

/** Creates the run service of `agentmesh serve`. */
export function createRunService(options: RunServiceOptions): RunService {
  const { store, gateway, now = () => new Date() } = options;
  const inactiveAgents = options.inactiveAgents ?? (() => new Set<string>());
  /** Everything in flight (for close), and the runs executing here by id (from their first event). */
  const inFlight = new Set<Execution>();
  const executing = new Map<string, Execution>();
  const subscribers = new Map<string, Set<(event: LiveRunEvent) => void>>();
  let closed = false;

  const publish = (runId: string, event: LiveRunEvent) => {
    for (const listener of subscribers.get(runId) ?? []) {
      // A subscriber's bug (a closed socket) must never break the run that calls it.
      try {
        listener(event);
      } catch {}
    }
  };

  /** Runs `work` in the background with its own AbortController; see {@link Launched}. */
  function launch<T extends DrivenRun>(
    work: (io: RunIo) => Promise<T>,
    isReady: (event: StoredRunEvent) => boolean,
  ): Launched<T> {
    if (closed) {
      throw new AgentMeshError({
        code: 'internal',
        message: 'The run service is closed (the server is shutting down); try again once it is back.',
      });
    }
    const controller = new AbortController();
    let runId: string | undefined;
    let markReady: (event: StoredRunEvent) => void = () => {};
    let failReady: (error: unknown) => void = () => {};
    const ready = new Promise<StoredRunEvent>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    ready.catch(() => {});
    const execution: Execution = { controller, done: Promise.resolve({ error: undefined }) };
    const listener: RunEventListener = (event) => {
      if (runId === undefined && isReady(event)) {
        runId = event.runId;
        executing.set(runId, execution);
        markReady(event);
      }
      publish(event.runId, { kind: 'event', event });
    };
    const result = work({
      signal: controller.signal,
      listeners: [...(options.listeners ?? []), listener],
      onTextDelta: (agentId, delta) => {
        if (runId !== undefined) publish(runId, { kind: 'delta', agentId, delta });
      },
    });
    result.then(
      () => failReady(new Error('The run stopped before it started executing.')),
      (error: unknown) => failReady(error),
    );
    execution.done = result
      .then(
        (value): DrivenRun | { error: unknown } => value,
        (error: unknown) => ({ error }),
      )
      .finally(() => {
        inFlight.delete(execution);
        if (runId !== undefined && executing.get(runId) === execution) executing.delete(runId);
      });
    inFlight.add(execution);
    return { ready, result, done: execution.done };
  }

  /** The config in force now, with the solo team of a stored `agent:<id>` run; refuses inactive agents. */
  const configOfRun = (team: string): ResolvedConfig => {
    const config = configForTeam(options.config(), team);
    checkAgentsActive(resolveTeam(config, team), inactiveAgents());
    return config;
  };

  return {
    async start(request) {
      const { config, team, task } = checkRunRequest(options.config(), request, inactiveAgents());
      const launched = launch(
        (io) => runTask({ config, task, team: team.id, store, gateway, now, ...io }),
        (event) => event.type === 'run.started',
      );
      const started = await launched.ready;
      return { runId: started.runId, done: launched.done };
    },

    async cancel(runId) {
      const execution = executing.get(runId);
      if (execution === undefined) {
        const run = await store.getRun(runId);
        if (run === undefined) throw runNotFound(runId);
        throw new AgentMeshError({
          code: 'run_not_active',
          message: `Run ${runId} is not executing in this server (status: ${run.status}), so it cannot be cancelled here; a CLI run stops with Ctrl-C in its terminal.`,
          context: { runId, status: run.status },
        });
      }
      execution.controller.abort();
      await execution.done;
      const run = await store.getRun(runId);
      if (run === undefined) throw runNotFound(runId);
      return run;
    },

    async resume(runId) {
      const state = await loadResumableRun(store, runId).catch(awaitingApprovalAsConflict);
      const config = configOfRun(state.team);
      const launched = launch(
        (io) => resumeRun({ config, runId, store, gateway, now, ...io }),
        (event) => event.type === 'run.resumed',
      );
      await launched.ready;
      return { runId, done: launched.done };
    },

    async decide(decision) {
      const run = await store.getRun(decision.runId);
      if (run === undefined) throw runNotFound(decision.runId);
      const config = configOfRun(run.team);
      let decided: StoredDecision | undefined;
      const launched = launch(
        (io) =>
          approveRun({
            ...decision,
            config,
            store,
            gateway,
            now,
            ...io,
            listeners: [
              ...io.listeners,
              (event) => {
                if (event.type === 'approval.decided') decided ??= event as StoredDecision;
              },
            ],
          }),
        (event) => event.type === 'run.resumed',
      );
      const continuation = await Promise.race([
        // A failure before run.resumed rejects `result` too; only a resumed run decides on this side.
        launched.ready.then(
          () => 'continuing' as const,
          () => new Promise<never>(() => {}),
        ),
        launched.result.then(({ continuation }) => continuationOf(continuation)),
      ]);
      // Set by the listener before run.resumed or the result: approveRun stores the decision first.
      if (decided === undefined) throw new Error(`approveRun stored no decision on run ${decision.runId}`);
      return { decision: decided, continuation };
    },

    subscribe(runId, listener) {
      const listeners = subscribers.get(runId) ?? new Set();
      subscribers.set(runId, listeners);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
        if (listeners.size === 0 && subscribers.get(runId) === listeners) subscribers.delete(runId);
      };
    },

    isExecuting(runId) {
      return executing.has(runId);
    },

    async close() {
      closed = true;
      const all = [...inFlight];
      for (const execution of all) execution.controller.abort();
      await Promise.all(all.map((execution) => execution.done));
    },
  };
}

function continuationOf(continuation: Continuation): 'continuing' | 'approvals_pending' | 'leased' {
  if (continuation.kind === 'continued') return 'continuing';
  return continuation.kind;
}

/** loadResumableRun refuses a run waiting for a decision as `usage` (CLI exit 2); over HTTP it is a 409. */
function awaitingApprovalAsConflict(error: unknown): never {
  if (isAgentMeshError(error) && error.code === 'usage' && Array.isArray(error.context.approvals)) {
    throw new AgentMeshError({
      code: 'run_awaiting_approval',
      message: error.message,
      context: error.context,
      cause: error,
    });
  }
  throw error;
}

function runNotFound(runId: string): AgentMeshError {
  return new AgentMeshError({
    code: 'run_not_found',
    message: `No run ${runId} in the run store; GET /api/runs lists the stored runs.`,
    context: { runId },
  });
}
