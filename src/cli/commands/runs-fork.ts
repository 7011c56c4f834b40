import { parseConfigSet } from '../../config/config-sets.js';
import { forkRun } from '../../runtime/fork-run.js';
import { checkCustomEndpoint } from '../../runtime/preflight.js';
import type { CliIo } from '../cli-io.js';
import { executeAndReport } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** Flags of `runs fork`. */
export interface RunsForkFlags extends RunnerFlags {
  /** 1-based step K (see docs/record-replay.md). */
  fromStep: number;
  /** `path=value` config changes for the new run. */
  set?: string[];
}

/**
 * `agentmesh runs fork <runId> --from-step K [--set path=value ...]`: a new run that reuses the source
 * run's log up to step K and continues from there with the changed config. Bad sets, an unknown run
 * or a step out of range fail with exit 2 before anything is stored.
 */
export async function runsForkCommand(runId: string, flags: RunsForkFlags, io: CliIo): Promise<number> {
  const sets = (flags.set ?? []).map(parseConfigSet);
  const config = await resolveCliConfig(flags, io, { sets });
  await checkCustomEndpoint(config);
  return executeAndReport({
    config,
    start: (run) => forkRun({ config, sourceRunId: runId, fromStep: flags.fromStep, ...run }),
    json: Boolean(flags.json),
    io,
    offerOrphans: false,
  });
}
