import { checkCustomEndpoint } from '../../runtime/preflight.js';
import type { CliIo } from '../cli-io.js';
import { executeAndReport, startNewRun } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** `agentmesh run "<task>"`: runs a team on a task and stores the run. */
export async function runCommand(task: string, flags: RunnerFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig(flags, io);
  const start = startNewRun(config, task, flags.team);
  await checkCustomEndpoint(config);
  return executeAndReport({ config, start, json: Boolean(flags.json), io });
}
