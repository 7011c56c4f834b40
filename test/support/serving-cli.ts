import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { BIN, cleanEnv } from './cli.js';

/** A long-running CLI subprocess (`serve`, `metrics`) that printed its URL on stdout. */
export interface ServingCli {
  /** The first line it printed on stdout. */
  url: string;
  /** What it wrote on stderr so far. */
  stderr(): string;
  /** Sends `signal` and waits for the exit. */
  stop(
    signal?: NodeJS.Signals,
  ): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>;
}

/** Spawns `agentmesh <args>` and waits for the first stdout line (its URL); rejects when it exits first. */
export async function startServingCli(args: string[], { cwd }: { cwd: string }): Promise<ServingCli> {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd,
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout }).once('line', (line) => resolve(line.trim()));
    void exited.then(({ code }) => reject(new Error(`agentmesh ${args[0]} exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stderr: () => stderr,
    stop: async (signal = 'SIGTERM') => {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return { ...(await exited), stderr };
    },
  };
}
