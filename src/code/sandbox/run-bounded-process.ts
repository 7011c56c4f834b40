import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

/** One process started in its own process group, with a wall clock and a cap on output kept. */
export interface BoundedProcessOptions {
  file: string;
  args: string[];
  cwd: string;
  /** The complete environment; nothing is inherited. */
  env: Record<string, string>;
  /** Set both to start the process as another user (only when we are root). */
  uid?: number;
  gid?: number;
  timeoutMs: number;
  /** stdout + stderr together; reaching it kills the process group. */
  maxOutputBytes: number;
  signal?: AbortSignal;
}

/** What happened to the process. `spawnError` is set when it never started. */
export interface BoundedProcessResult {
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  cancelled: boolean;
  stdout: string;
  stderr: string;
  outputTruncated: boolean;
  durationMs: number;
  spawnError?: Error;
}

/** How long pipes may stay open after the process exited (an orphan holding them) before we cut them. */
const DRAIN_AFTER_EXIT_MS = 500;

/**
 * Runs a process and always comes back: killed (the whole process group, SIGKILL) at the wall clock,
 * at the output cap — so a gigabyte of output never reaches memory — or when `signal` aborts.
 */
export function runBoundedProcess(options: BoundedProcessOptions): Promise<BoundedProcessResult> {
  const { timeoutMs, maxOutputBytes, signal } = options;
  const started = performance.now();
  const child = spawn(options.file, options.args, {
    cwd: options.cwd,
    env: options.env,
    uid: options.uid,
    gid: options.gid,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  let kept = 0;
  let outputTruncated = false;
  let timedOut = false;
  let cancelled = false;

  const killGroup = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is already gone.
    }
  };
  const collect = (into: Buffer[]) => (chunk: Buffer) => {
    if (outputTruncated) return;
    const room = maxOutputBytes - kept;
    if (chunk.length > room) {
      into.push(chunk.subarray(0, room));
      kept = maxOutputBytes;
      outputTruncated = true;
      killGroup();
      return;
    }
    into.push(chunk);
    kept += chunk.length;
  };
  child.stdout.on('data', collect(output.stdout));
  child.stderr.on('data', collect(output.stderr));

  const timer = setTimeout(() => {
    timedOut = true;
    killGroup();
  }, timeoutMs);
  const onAbort = () => {
    cancelled = true;
    killGroup();
  };
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });

  return new Promise((resolve) => {
    const finish = (
      exitCode: number | null,
      exitSignal: string | null,
      durationMs: number,
      spawnError?: Error,
    ) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve({
        exitCode,
        signal: exitSignal,
        timedOut,
        cancelled,
        stdout: Buffer.concat(output.stdout).toString('utf8'),
        stderr: Buffer.concat(output.stderr).toString('utf8'),
        outputTruncated,
        durationMs,
        ...(spawnError ? { spawnError } : {}),
      });
    };
    child.once('error', (error) => finish(null, null, performance.now() - started, error));
    child.once('exit', (code, exitSignal) => {
      const durationMs = performance.now() - started;
      // Whatever the command left running in its group goes with it.
      killGroup();
      const cut = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
      }, DRAIN_AFTER_EXIT_MS);
      child.once('close', () => {
        clearTimeout(cut);
        finish(code, exitSignal, durationMs);
      });
    });
  });
}
