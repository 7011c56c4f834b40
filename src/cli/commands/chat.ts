import type { CliIo } from '../cli-io.js';
import type { RunnerFlags } from '../runner-flags.js';

// PLACEHOLDER: a helper replaces this file.
/** Not built yet. */
export async function chatCommand(flags: RunnerFlags, _io: CliIo): Promise<number> {
  throw new Error('not built yet');
}
