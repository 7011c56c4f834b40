import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The built CLI (npm test builds it first). */
export const BIN = resolve(import.meta.dirname, '../../bin/agentmesh.js');

/** What a CLI subprocess did. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** An environment with no provider keys, so tests never reach a real provider by accident. */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' };
  return { ...env, ...extra };
}

/** Runs `agentmesh <args>` as a real subprocess and collects its output. */
export function runCli(
  args: string[],
  { cwd, env = cleanEnv() }: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** A running `agentmesh sim` subprocess. */
export interface SimProcess {
  url: string;
  stop(): Promise<void>;
}

/** Starts `agentmesh sim --port 0 <args>` and waits for the URL it prints on stdout. */
export async function startSimProcess(args: string[] = []): Promise<SimProcess> {
  const child: ChildProcess = spawn(process.execPath, [BIN, 'sim', '--port', '0', ...args], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const url = await new Promise<string>((resolveUrl, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolveUrl(line.trim()));
    child.once('exit', (code) => reject(new Error(`agentmesh sim exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: () =>
      new Promise((done) => {
        if (child.exitCode !== null) return done();
        child.once('exit', () => done());
        child.kill('SIGTERM');
      }),
  };
}

/** A fresh temporary working directory. */
export async function tempDir(): Promise<{ path: string; remove(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'agentmesh-test-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}
