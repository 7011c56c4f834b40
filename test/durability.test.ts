import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Random, seededRandom } from '../src/sim/seeded-random.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { runCli, tempDir } from './support/cli.js';
import { type KillableCli, spawnKillableCli } from './support/killable-cli.js';
import { completionsPerStep, readOnlyRun, transcriptOf } from './support/run-log.js';
import { completedCallHashes, untilRequests } from './support/sim-log.js';

/**
 * Crash-resume, 20 times: `agentmesh run` is SIGKILLed at a seeded random moment (during start-up,
 * mid-call, or between a step's commit and the next call), then `agentmesh resume` continues it (and
 * is itself killed again now and then). Every run must end with the transcript of an uninterrupted run,
 * and no call whose answer was in the log at a kill may reach the simulator again.
 */

const TEAM = 'parallel';
/** planner → {researcher, coder, critic} → summarizer. */
const CALLS_PER_RUN = 5;
const TASK = 'Write a function that merges overlapping time intervals';
const SEED = 11;
const LATENCY_MS = 40;
const ITERATIONS = 20;
/** Iterations running at once; each is a chain of subprocesses, mostly waiting on node start-up. */
const LANES = 4;

/** What the test knew at one kill: which answers the log held, and how far the simulator's log went. */
interface KillSnapshot {
  completedHashes: Set<string>;
  afterSeq: number;
}

/** How one iteration went. */
interface Iteration {
  kills: KillSnapshot[];
  /** Kills that hit a run with some but not all steps completed: the case the test is about. */
  midRunKills: number;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let reference: { transcript: { agentId: string; content: string }[]; startupMs: number };

const cliArgs = (db: string, sim: RunningSimulator) => [
  '--json',
  '--base-url',
  sim.url,
  '--model',
  'sim-model',
  '--db',
  db,
  '--no-cache',
];

beforeAll(async () => {
  dir = await tempDir();
  const sim = await startSimulator({ latencyMs: LATENCY_MS, seed: SEED });
  try {
    const db = join(dir.path, 'reference.db');
    const spawnedAt = Date.now();
    const result = await runCli(['run', TASK, '--team', TEAM, ...cliArgs(db, sim)], { cwd: dir.path });
    expect(result.code, result.stderr).toBe(0);
    const run = await readOnlyRun(db);
    expect(run?.state.status).toBe('succeeded');
    expect(sim.requests()).toHaveLength(CALLS_PER_RUN);
    reference = {
      transcript: transcriptOf(run!.state),
      startupMs: sim.requests()[0]!.at - spawnedAt,
    };
    expect(reference.transcript).toHaveLength(CALLS_PER_RUN);
  } finally {
    await sim.close();
  }
});
afterAll(() => dir?.remove());

/**
 * SIGKILLs the process at a random moment: during start-up (before any call), or after its k-th call
 * reached the simulator plus up to 1.5 call latencies (mid-call, or just after the answer was stored).
 */
async function killAtRandomMoment(options: {
  cli: KillableCli;
  sim: RunningSimulator;
  random: Random;
  stepsDone: number;
}): Promise<void> {
  const { cli, sim, random } = options;
  const callsLeft = CALLS_PER_RUN - options.stepsDone;
  const k = Math.floor(random() * (callsLeft + 1));
  if (k === 0) {
    await sleep(random() * reference.startupMs);
  } else {
    const target = sim.stats().requests + k;
    await untilRequests(() => sim.stats().requests, target, cli.exited);
    await sleep(random() * LATENCY_MS * 1.5);
  }
  await cli.kill();
}

async function crashAndResume(index: number): Promise<Iteration> {
  const random = seededRandom(1000 + index);
  const db = join(dir.path, `crash-${index}.db`);
  const sim = await startSimulator({ latencyMs: LATENCY_MS, seed: SEED });
  const iteration: Iteration = { kills: [], midRunKills: 0 };
  try {
    // The first attempt is always killed; later ones (resumes, or runs again when no run was stored) sometimes.
    for (let attempt = 0; ; attempt++) {
      const before = await readOnlyRun(db);
      if (before?.state.status === 'succeeded') break;
      const args = before ? ['resume', before.runId] : ['run', TASK, '--team', TEAM];
      const cli = spawnKillableCli([...args, ...cliArgs(db, sim)], { cwd: dir.path });
      const killThisTime = attempt === 0 || (attempt < 4 && random() < 0.35);
      if (!killThisTime) {
        const result = await cli.done;
        expect(result.code, `${args[0]} exited: ${result.stderr}`).toBe(0);
        continue;
      }
      const stepsDone = before ? completionsPerStep(before.events).size : 0;
      await killAtRandomMoment({ cli, sim, random, stepsDone });
      const after = await readOnlyRun(db);
      const records = sim.requests();
      iteration.kills.push({
        completedHashes: after ? completedCallHashes(after.events, records) : new Set(),
        afterSeq: records.at(-1)?.seq ?? 0,
      });
      const done = after ? completionsPerStep(after.events).size : 0;
      if (done > 0 && after?.state.status === 'running') iteration.midRunKills++;
    }

    // No completed call sent twice: nothing the log held at a kill went out again afterwards.
    for (const kill of iteration.kills) {
      const resent = sim.requests(kill.afterSeq).filter((r) => kill.completedHashes.has(r.bodyHash!));
      expect(
        resent.map((r) => r.seq),
        `iteration ${index}: answered calls sent again`,
      ).toEqual([]);
    }
    const final = await readOnlyRun(db);
    expect(final?.state.status).toBe('succeeded');
    // Every answer in the final log is one the simulator sent (throws otherwise).
    completedCallHashes(final!.events, sim.requests());
    expect(transcriptOf(final!.state)).toEqual(reference.transcript);
    // Each step completed exactly once across every process that ran it.
    expect([...completionsPerStep(final!.events).values()]).toEqual(Array(CALLS_PER_RUN).fill(1));
    return iteration;
  } finally {
    await sim.close();
  }
}

describe('crash-resume', () => {
  it(`${ITERATIONS} times SIGKILLed at a random moment and resumed: same transcript, no completed call sent twice`, async () => {
    const results: Iteration[] = [];
    let next = 0;
    const lane = async () => {
      while (next < ITERATIONS) results.push(await crashAndResume(next++));
    };
    await Promise.all(Array.from({ length: LANES }, lane));
    expect(results).toHaveLength(ITERATIONS);
    // The check above is empty for kills before the first answer; enough must land mid-run.
    const midRun = results.reduce((sum, r) => sum + r.midRunKills, 0);
    const withAnswers = results.flatMap((r) => r.kills).filter((k) => k.completedHashes.size > 0);
    expect(midRun).toBeGreaterThanOrEqual(5);
    expect(withAnswers.length).toBeGreaterThanOrEqual(5);
  }, 180_000);
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
