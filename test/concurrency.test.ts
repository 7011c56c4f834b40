import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { isAgentMeshError } from '../src/errors/index.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { resumeRun } from '../src/runtime/resume-run.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { tempDir } from './support/cli.js';
import { completionsPerStep } from './support/run-log.js';
import { numberedIds, parallelTeamYaml, simConfig } from './support/sim-config.js';
import { maxInFlight, repeatedHashes } from './support/sim-log.js';

const TASK = 'Write a function that merges overlapping time intervals';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(() => dir?.remove());

describe('two resumes of one run at once', () => {
  const ITERATIONS = 100;
  /** The pipeline team: five steps, one call each. */
  const STEPS = 5;
  let sim: RunningSimulator;
  let config: ResolvedConfig;
  // One gateway per "process", as two CLI processes would each have.
  let gateways: Awaited<ReturnType<typeof openGateway>>[];

  beforeAll(async () => {
    sim = await startSimulator({ latencyMs: 2, seed: 5 });
    config = await simConfig({ dir: dir.path, simUrl: sim.url });
    gateways = [await openGateway(config), await openGateway(config)];
  });
  afterAll(async () => {
    await Promise.all(gateways.map((handle) => handle.close()));
    await sim.close();
  });

  /** A pipeline run cancelled right after its second step completed; returns its id. */
  async function cancelledRun(store: SqliteRunStore): Promise<string> {
    const controller = new AbortController();
    let completed = 0;
    const { state } = await runTask({
      config,
      task: TASK,
      team: 'pipeline',
      store,
      gateway: gateways[0]!.gateway,
      signal: controller.signal,
      listeners: [
        (event) => {
          if (event.type === 'step.completed' && ++completed === 2) controller.abort();
        },
      ],
    });
    expect(state.status).toBe('cancelled');
    expect(state.steps.filter((step) => step.status === 'completed')).toHaveLength(2);
    return state.runId;
  }

  /** One iteration; returns the error code of the resume that did not execute. */
  async function raceTwoResumes(index: number): Promise<string> {
    const path = join(dir.path, `double-resume-${index}.db`);
    // Two connections to one file, as two processes would hold.
    const stores = [SqliteRunStore.open({ path }), SqliteRunStore.open({ path })];
    try {
      const firstSeq = sim.stats().requests;
      const runId = await cancelledRun(stores[0]!);
      const outcomes = await Promise.allSettled(
        stores.map((store, i) =>
          resumeRun({
            config,
            runId,
            store,
            gateway: gateways[i]!.gateway,
            signal: new AbortController().signal,
          }),
        ),
      );
      const executed = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.filter((outcome) => outcome.status === 'rejected');
      expect(executed).toHaveLength(1);
      expect(refused).toHaveLength(1);
      expect(executed[0]!.value.state.status).toBe('succeeded');
      const error = refused[0]!.reason as unknown;
      expect(isAgentMeshError(error) && ['run_leased', 'run_finished'].includes(error.code)).toBe(true);

      const events = await stores[1]!.events(runId);
      expect([...completionsPerStep(events).values()]).toEqual(Array(STEPS).fill(1));
      // Exactly one request per step reached the simulator, none of them twice.
      const requests = sim.requests(firstSeq);
      expect(requests).toHaveLength(STEPS);
      expect(repeatedHashes(requests).size).toBe(0);
      return isAgentMeshError(error) ? error.code : 'unknown';
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  }

  it(`${ITERATIONS} times: exactly one executes, every step runs once`, async () => {
    const refusals = new Map<string, number>();
    for (let i = 0; i < ITERATIONS; i++) {
      const code = await raceTwoResumes(i);
      refusals.set(code, (refusals.get(code) ?? 0) + 1);
    }
    // Both resumes started before either had taken the lease, at least sometimes: the race was real.
    expect(refusals.get('run_leased') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});

describe('a 200-way fan-out with concurrency 8', () => {
  it('never has more than 8 calls in flight, reaches 8, and completes all 200', async () => {
    const sim = await startSimulator({ latencyMs: 25, seed: 3 });
    const fanDir = join(dir.path, 'fan-out');
    const store = SqliteRunStore.open({ path: join(fanDir, 'runs.db') });
    const agents = numberedIds('r', 200);
    await mkdir(fanDir, { recursive: true });
    const config = await simConfig({
      dir: fanDir,
      simUrl: sim.url,
      yaml: parallelTeamYaml({ team: 'fanout', stages: [agents], role: 'researcher', concurrency: 8 }),
    });
    const { gateway, close } = await openGateway(config);
    try {
      const { state } = await runTask({
        config,
        task: TASK,
        team: 'fanout',
        store,
        gateway,
        signal: new AbortController().signal,
      });
      expect(state.status).toBe('succeeded');
      expect(state.transcript.map((message) => message.agentId)).toEqual(agents);
      const requests = sim.requests();
      expect(requests).toHaveLength(200);
      expect(maxInFlight(requests)).toBe(8);
    } finally {
      await close();
      await store.close();
      await sim.close();
    }
  }, 60_000);
});
