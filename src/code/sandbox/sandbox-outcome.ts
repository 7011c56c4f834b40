import { constants } from 'node:os';
import { AgentMeshError } from '../../errors/index.js';
import type { BoundedProcessResult } from './run-bounded-process.js';

/** The error a sandbox throws when the caller's signal aborts the run: code `cancelled`. */
export function sandboxCancelledError(reason?: unknown): AgentMeshError {
  return new AgentMeshError({
    code: 'cancelled',
    message: 'The sandboxed run was cancelled by the caller before it finished.',
    cause: reason,
  });
}

/** Throws when the process never started or was cancelled; both are not results of the code. */
export function throwUnlessFinished(result: BoundedProcessResult, what: string, signal?: AbortSignal): void {
  if (result.cancelled) throw sandboxCancelledError(signal?.reason);
  if (result.spawnError) {
    throw new AgentMeshError({
      code: 'internal',
      message: `Could not start ${what}: ${result.spawnError.message}; check that it is installed and executable.`,
      cause: result.spawnError,
    });
  }
}

/**
 * bwrap reports a command killed by signal N as exit code 128 + N; this turns it back into the
 * signal so a CPU-limit kill reads SIGXCPU. (A command that itself exits with 129–192 reads the same.)
 */
export function signalFromWrapperExit(exitCode: number | null): {
  exitCode: number | null;
  signal: string | null;
} {
  if (exitCode === null || exitCode <= 128 || exitCode > 128 + 64) return { exitCode, signal: null };
  const name = Object.entries(constants.signals).find(([, number]) => number === exitCode - 128)?.[0];
  return name ? { exitCode: null, signal: name } : { exitCode, signal: null };
}
