import type { ResolvedConfig } from '../config/resolved-config.js';
import { warnUnpricedOnce } from '../llm/pricing/warn-unpriced.js';
import { openGateway } from '../runtime/build-gateway.js';
import { openRunStore } from '../runtime/open-run-store.js';
import { runResult } from '../runtime/run-result.js';
import { prepareRun, runTask } from '../runtime/run-task.js';
import { type CliIo, writeLine } from './cli-io.js';
import { EXIT } from './exit-codes.js';
import { progressReporter } from './progress-reporter.js';

/** Options for {@link executeAndReport}. */
export interface ExecuteAndReportOptions {
  config: ResolvedConfig;
  task: string;
  team?: string;
  json: boolean;
  io: CliIo;
}

/**
 * Runs a team with live progress on stderr and the result on stdout (one JSON object with --json),
 * and returns the exit code: 0 succeeded, 1 failed, 130 cancelled.
 */
export async function executeAndReport({
  config,
  task,
  team,
  json,
  io,
}: ExecuteAndReportOptions): Promise<number> {
  prepareRun(config, task, team); // bad input fails here, before the store file is created
  const store = openRunStore(config);
  const gateway = await openGateway(config, {
    warn: (message) => writeLine(io.stderr, `agentmesh: ${message}`),
  });
  try {
    const { state, artifactsDir } = await runTask({
      config,
      task,
      ...(team && { team }),
      store,
      gateway: gateway.gateway,
      signal: io.signal,
      listeners: [
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
      writeLine(io.stderr, `artifacts: ${artifactsDir}`);
    }
    if (state.status === 'failed') {
      writeLine(
        io.stderr,
        `agentmesh: run ${state.runId} failed (${state.stopReason}): ${state.error?.message ?? 'no error recorded'}`,
      );
      return EXIT.failed;
    }
    if (state.status === 'cancelled') return EXIT.interrupted;
    // A code team that finished without passing tests did not do its job: scripts and CI must see that.
    if (result.testsPassed === false) {
      writeLine(
        io.stderr,
        `agentmesh: run ${state.runId} ended without passing tests (${state.stopReason}); see ${artifactsDir}/test-report.json`,
      );
      return EXIT.failed;
    }
    return EXIT.ok;
  } finally {
    await gateway.close();
    await store.close();
  }
}
