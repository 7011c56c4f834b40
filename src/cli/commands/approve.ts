import type { CliIo } from '../cli-io.js';
import type { RunnerFlags } from '../runner-flags.js';

// PLACEHOLDER: a helper replaces this file.
/** Not built yet. */
export async function approveCommand(
  runId: string,
  flags: RunnerFlags & { reject?: boolean; comment?: string; approval?: string },
  _io: CliIo,
): Promise<number> {
  throw new Error('not built yet');
}
