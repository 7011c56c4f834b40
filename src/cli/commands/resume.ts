import { existsSync } from 'node:fs';
import { AgentMeshError } from '../../errors/index.js';
import { checkCustomEndpoint } from '../../runtime/preflight.js';
import { resumeRun } from '../../runtime/resume-run.js';
import type { CliIo } from '../cli-io.js';
import { executeAndReport } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** `agentmesh resume <runId>`: continues a crashed, failed or cancelled run from its log. */
export async function resumeCommand(runId: string, flags: RunnerFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig(flags, io);
  // Opening the store would create it; a run cannot be in a store that does not exist.
  if (config.store.path !== ':memory:' && !existsSync(config.store.path)) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId} in the run store: there is no run store at ${config.store.path}; pass --db FILE if the run is stored elsewhere.`,
      context: { runId, path: config.store.path },
    });
  }
  await checkCustomEndpoint(config);
  return executeAndReport({
    config,
    start: (run) => resumeRun({ config, runId, ...run }),
    json: Boolean(flags.json),
    io,
    offerOrphans: false,
  });
}
