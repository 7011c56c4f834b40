import { checkReachable } from '../../runtime/preflight.js';
import { prepareRun } from '../../runtime/run-task.js';
import type { CliIo } from '../cli-io.js';
import { executeAndReport } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** `agentmesh run "<task>"`: runs a team on a task and stores the run. */
export async function runCommand(task: string, flags: RunnerFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig(flags, io);
  prepareRun(config, task, flags.team);
  const custom = config.providers.custom;
  if (custom) await checkReachable(custom.baseUrl);
  return executeAndReport({
    config,
    task,
    ...(flags.team && { team: flags.team }),
    json: Boolean(flags.json),
    io,
  });
}
