import { type ChildProcess, spawn } from 'node:child_process';
import { BIN, type CliResult, cleanEnv } from './cli.js';

/** A CLI subprocess the test may SIGKILL at any moment; `done` settles when it exits either way. */
export interface KillableCli {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal), stdout and stderr. */
  done: Promise<CliResult & { signal: NodeJS.Signals | null }>;
  /** True once the process has exited, on its own or killed. */
  exited(): boolean;
  /** Sends SIGKILL (if still running) and waits for the exit. */
  kill(): Promise<CliResult & { signal: NodeJS.Signals | null }>;
}

/** Spawns `agentmesh <args>` as a real subprocess that can be killed mid-run. */
export function spawnKillableCli(args: string[], { cwd }: { cwd: string }): KillableCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let exited = false;
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      exited = true;
      resolve({ code, signal, stdout, stderr });
    });
  });
  return {
    child,
    done,
    exited: () => exited,
    kill: () => {
      if (!exited) child.kill('SIGKILL');
      return done;
    },
  };
}
