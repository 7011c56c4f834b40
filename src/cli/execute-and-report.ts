import type { ResolvedConfig } from '../config/resolved-config.js';
import { toAgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import { warnUnpricedOnce } from '../llm/pricing/warn-unpriced.js';
import { openGateway } from '../runtime/build-gateway.js';
import type { DrivenRun } from '../runtime/drive-run.js';
import { openRunStore } from '../runtime/open-run-store.js';
import { openTelemetry } from '../runtime/open-telemetry.js';
import { findOrphanedRuns } from '../runtime/orphaned-runs.js';
import { runResult } from '../runtime/run-result.js';
import { prepareRun, runTask } from '../runtime/run-task.js';
import { approvalSubject } from '../runtime/tool-call-text.js';
import type { RunStore } from '../store/run-store.js';
import type { RunEventListener } from '../workflow/run-recorder.js';
import { type CliIo, writeLine } from './cli-io.js';
import { EXIT } from './exit-codes.js';
import { progressReporter } from './progress-reporter.js';

/** What a command runs once the store and gateway are open: a new run, a resumed one, an approved one. */
export type RunStarter = (io: {
  store: RunStore;
  gateway: LlmGateway;
  listeners: RunEventListener[];
  signal: AbortSignal;
}) => Promise<DrivenRun>;

/** Starts a new run of `team` on `task`; checks the request first, so bad input fails before the store opens. */
export function startNewRun(config: ResolvedConfig, task: string, team?: string): RunStarter {
  prepareRun(config, task, team);
  return (io) => runTask({ config, task, ...(team && { team }), ...io });
}

/** Options for {@link executeAndReport}. */
export interface ExecuteAndReportOptions {
  config: ResolvedConfig;
  start: RunStarter;
  json: boolean;
  io: CliIo;
  /** Say which runs a dead process left running. @default true (off for resume, which is the answer) */
  offerOrphans?: boolean;
}

/**
 * Executes a run with live progress on stderr and the result on stdout (one JSON object with --json),
 * and returns the exit code: 0 succeeded or paused for approval, 1 failed, 130 cancelled.
 */
export async function executeAndReport({
  config,
  start,
  json,
  io,
  offerOrphans = true,
}: ExecuteAndReportOptions): Promise<number> {
  const store = openRunStore(config);
  const telemetry = openTelemetry(config);
  const gateway = await openGateway(config, {
    warn: (message) => writeLine(io.stderr, `agentmesh: ${message}`),
  });
  try {
    if (offerOrphans) await offerOrphanedRuns(store, io);
    const { state, artifactsDir } = await start({
      store,
      gateway: gateway.gateway,
      signal: io.signal,
      listeners: [
        ...telemetry.listeners,
        progressReporter({ stream: io.stderr, env: io.env }),
        (event) => {
          // Unknown is not free: say once per model that its cost could not be counted.
          if (event.type !== 'llm.completed' || !event.usage.unpricedCalls) return;
          const ref = `${event.provider}:${event.model}`;
          warnUnpricedOnce({ ref, pricing: null }, (line) =>
            writeLine(io.stderr, `agentmesh: warning: ${line}`),
          );
        },
      ],
    });
    const result = runResult(state, artifactsDir);
    if (json) {
      writeLine(io.stdout, JSON.stringify(result));
    } else {
      writeLine(io.stdout, result.output);
      if (artifactsDir) writeLine(io.stderr, `artifacts: ${artifactsDir}`);
    }
    if (state.status === 'awaiting_approval') {
      for (const approval of state.approvals.filter((a) => a.status === 'pending')) {
        const subject =
          approval.callId === undefined
            ? `step ${approval.stepId} (${approval.agentId})`
            : approvalSubject(state, approval);
        writeLine(
          io.stderr,
          `agentmesh: run ${state.runId} waits for your decision on ${subject}: agentmesh approve ${state.runId} [--reject --comment "…"]`,
        );
      }
      return EXIT.ok;
    }
    if (state.status === 'failed') {
      writeLine(
        io.stderr,
        `agentmesh: run ${state.runId} failed (${state.stopReason}): ${state.error?.message ?? 'no error recorded'}${state.error?.code === 'replay_miss' ? '' : `; agentmesh resume ${state.runId} continues it`}`,
      );
      return EXIT.failed;
    }
    if (state.status === 'cancelled') {
      writeLine(
        io.stderr,
        `agentmesh: run ${state.runId} cancelled; agentmesh resume ${state.runId} continues it`,
      );
      return EXIT.interrupted;
    }
    // A code team that finished without passing tests did not do its job: scripts and CI must see that.
    if (result.testsPassed === false) {
      writeLine(
        io.stderr,
        `agentmesh: run ${state.runId} ended without passing tests (${state.stopReason}); see ${artifactsDir}/test-report.json`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  } catch (thrown) {
    // The user sees it on stderr (main); the error log keeps it with the process's other lines.
    const error = toAgentMeshError(thrown);
    telemetry.loggers.error.error({ event: 'command.failed', error: error.toInfo() }, error.message);
    throw thrown;
  } finally {
    await gateway.close();
    await telemetry.shutdown();
    await store.close();
  }
}

/** Says which runs a dead process left `running`, and how to continue them. */
async function offerOrphanedRuns(store: RunStore, io: CliIo): Promise<void> {
  const orphans = await findOrphanedRuns(store);
  for (const run of orphans.slice(0, 3)) {
    writeLine(
      io.stderr,
      `agentmesh: run ${run.runId} (${run.team}, started ${run.createdAt}) was left running by a process that died; continue it with: agentmesh resume ${run.runId}`,
    );
  }
  if (orphans.length > 3)
    writeLine(io.stderr, `agentmesh: … and ${orphans.length - 3} more (agentmesh runs list)`);
}
