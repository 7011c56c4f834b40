/**
 * Sandbox start-to-exit overhead for a trivial Python test file (one unittest test): the same
 * `python3 -m unittest` under BubblewrapSandbox, under SubprocessSandbox, and spawned bare with no
 * sandbox at all, in interleaved rounds of the same run. Each sandbox time includes writing and
 * deleting its workspace; the bare arm reuses one directory.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { BubblewrapSandbox } from '../src/code/sandbox/bubblewrap-sandbox.js';
import { probeBubblewrap } from '../src/code/sandbox/probe-bubblewrap.js';
import type { Sandbox, SandboxLimits } from '../src/code/sandbox/sandbox.js';
import { SubprocessSandbox } from '../src/code/sandbox/subprocess-sandbox.js';
import { median, percentile } from './support.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const WARMUP = 2;
const TEST_FILE = {
  path: 'test_trivial.py',
  content:
    'import unittest\n\n\nclass T(unittest.TestCase):\n    def test_ok(self):\n        self.assertTrue(True)\n',
};
const COMMAND = ['/usr/bin/python3', '-m', 'unittest', 'test_trivial.py'];
const LIMITS: SandboxLimits = {
  timeoutMs: 30_000,
  cpuSeconds: 30,
  memoryMb: 1024,
  maxProcesses: 64,
  maxOutputBytes: 1_000_000,
};

async function sandboxArm(sandbox: Sandbox): Promise<void> {
  const result = await sandbox.run({ files: [TEST_FILE], command: COMMAND, limits: LIMITS });
  if (result.exitCode !== 0) throw new Error(`${sandbox.isolation} run failed: ${result.stderr.slice(-300)}`);
}

function bareArm(dir: string): () => Promise<void> {
  return () =>
    new Promise((resolve, reject) => {
      const child = spawn(COMMAND[0]!, COMMAND.slice(1), { cwd: dir, env: {}, stdio: 'ignore' });
      child.once('error', reject);
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bare run exited ${code}`))));
    });
}

/** Runs the benchmark: median and p90 start-to-exit per arm in ms, and bubblewrap's ratio to the subprocess. */
export async function sandboxOverhead(): Promise<{ name: string; lines: string[] }> {
  const name = 'sandbox overhead';
  const probe = await probeBubblewrap();
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-sandbox-'));
  await writeFile(join(dir, TEST_FILE.path), TEST_FILE.content);
  const arms: Record<string, () => Promise<void>> = {
    bare: bareArm(dir),
    subprocess: () => sandboxArm(new SubprocessSandbox()),
    ...(probe.available && {
      bubblewrap: () =>
        sandboxArm(new BubblewrapSandbox({ bwrapPath: probe.bwrapPath, features: probe.features })),
    }),
  };
  const names = Object.keys(arms);
  const times: Record<string, number[]> = Object.fromEntries(names.map((arm) => [arm, []]));
  try {
    for (let round = 0; round < WARMUP + ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length]!);
      for (const arm of order) {
        const start = performance.now();
        await arms[arm]!();
        if (round >= WARMUP) times[arm]!.push(performance.now() - start);
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }

  const row = (arm: string, label: string) =>
    `  ${arm.padEnd(11)}${label.padEnd(44)}median ${median(times[arm]!).toFixed(1)} ms, p90 ${percentile(times[arm]!, 0.9).toFixed(1)} ms`;
  const lines = [
    `${name}: one trivial unittest file, start to exit, ${ROUNDS} interleaved rounds`,
    row('bare', 'python3 -m unittest, no sandbox'),
    row('subprocess', 'SubprocessSandbox (workspace, prlimit)'),
  ];
  if (probe.available) {
    lines.push(row('bubblewrap', 'BubblewrapSandbox (namespaces, prlimit)'));
    const ratio = median(times.bubblewrap!) / median(times.subprocess!);
    const extra = median(times.bubblewrap!) - median(times.subprocess!);
    lines.push(`  ratio      bubblewrap / subprocess ${ratio.toFixed(2)}x (+${extra.toFixed(1)} ms per run)`);
  } else {
    lines.push(`  bubblewrap skipped: ${probe.reason}`);
  }
  return { name, lines };
}
