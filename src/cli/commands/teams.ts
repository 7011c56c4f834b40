import type { CliIo } from '../cli-io.js';

// PLACEHOLDER: a helper replaces this file.
/** Not built yet. */
export async function teamsListCommand(
  _flags: { config?: string; json?: boolean },
  _io: CliIo,
): Promise<number> {
  throw new Error('not built yet');
}

/** Not built yet. */
export async function teamsShowCommand(
  _name: string,
  _flags: { config?: string; mermaid?: boolean; json?: boolean },
  _io: CliIo,
): Promise<number> {
  throw new Error('not built yet');
}
