/** Pieces every benchmark shares. */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** Starts `agentmesh sim` in its own process (so its work does not share our event loop) at 0 ms latency. */
export async function startSimProcess(): Promise<{ url: string; stop: () => void }> {
  const child = spawn(process.execPath, ['bin/agentmesh.js', 'sim', '--port', '0', '--latency-ms', '0'], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  const url = await new Promise<string>((resolve) =>
    createInterface({ input: child.stdout }).once('line', resolve),
  );
  return { url: url.trim(), stop: () => child.kill('SIGTERM') };
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  return percentile(values, 0.5);
}

/** The value below which `p` (0..1) of the values fall (nearest rank). */
export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
