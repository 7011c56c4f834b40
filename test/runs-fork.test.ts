import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunStartedEvent, StoredRunEvent } from '../src/core/index.js';
import type { CassetteExchange } from '../src/llm/cassette/cassette-format.js';
import { requestBodyHash } from '../src/sim/sim-request-log.js';
import { type RunningSimulator, type SimRequestRecord, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { type CliResult, runCli, tempDir } from './support/cli.js';

const TASK = 'Write a CSV parser that handles quoted fields';
const PIPELINE = ['planner', 'researcher', 'coder', 'critic', 'summarizer'];

describe('agentmesh runs fork <runId> --from-step K [--set …] against the simulator', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let sourceId: string;
  let sourceRequests: SimRequestRecord[];
  const db = () => join(dir.path, '.agentmesh', 'agentmesh.db');
  const cli = (args: string[]): Promise<CliResult> =>
    runCli([...args, '--base-url', sim.url, '--model', 'sim-model'], { cwd: dir.path });

  async function events(runId: string): Promise<StoredRunEvent[]> {
    const store = SqliteRunStore.open({ path: db() });
    try {
      return await store.events(runId);
    } finally {
      await store.close();
    }
  }

  async function runCount(): Promise<number> {
    const store = SqliteRunStore.open({ path: db() });
    try {
      return (await store.listRuns({ limit: 1000 })).length;
    } finally {
      await store.close();
    }
  }

  const messages = (log: StoredRunEvent[]) =>
    log.flatMap((event) =>
      event.type === 'message.added'
        ? [{ stepId: event.stepId, agentId: event.agentId, content: event.content }]
        : [],
    );

  beforeAll(async () => {
    sim = await startSimulator();
    dir = await tempDir();
    const result = await cli(['run', TASK, '--json']);
    expect(result.code, result.stderr).toBe(0);
    sourceId = JSON.parse(result.stdout).runId;
    sourceRequests = sim.requests();
    expect(sourceRequests).toHaveLength(5);
  });
  afterAll(async () => {
    await sim.close();
    await dir.remove();
  });

  it('reuses steps 1-2 without calling the model, runs steps 3-5, and sends the --set temperature', async () => {
    const lastSeq = sourceRequests.at(-1)!.seq;
    const result = await cli([
      'runs',
      'fork',
      sourceId,
      '--from-step',
      '3',
      '--set',
      'agents.summarizer.temperature=0',
      '--record',
      'fork.jsonl',
      '--json',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const fork = JSON.parse(result.stdout) as { runId: string; status: string };
    expect(fork.status).toBe('succeeded');
    expect(fork.runId).not.toBe(sourceId);

    const source = await events(sourceId);
    const forked = await events(fork.runId);
    expect(forked[0]).toMatchObject({
      type: 'run.started',
      task: TASK,
      team: 'pipeline',
      forkedFrom: { runId: sourceId, step: 3 },
    } satisfies Partial<RunStartedEvent>);

    // The first two steps' messages are the source's; the remaining three ran again.
    const sourceMessages = messages(source);
    const forkMessages = messages(forked);
    expect(forkMessages.map((message) => message.agentId)).toEqual(PIPELINE);
    expect(forkMessages.slice(0, 2)).toEqual(sourceMessages.slice(0, 2));
    const reused = forked.flatMap((event) =>
      event.type === 'llm.completed' && event.cached ? [event.stepId] : [],
    );
    expect(reused).toEqual(['000-planner', '001-researcher']);

    // The simulator saw exactly three new requests, none of them a planner or researcher call again.
    const forkRequests = sim.requests(lastSeq);
    expect(forkRequests).toHaveLength(3);
    const sourceHashes = sourceRequests.map((record) => record.bodyHash);
    const forkHashes = forkRequests.map((record) => record.bodyHash);
    expect(forkHashes).not.toContain(sourceHashes[0]);
    expect(forkHashes).not.toContain(sourceHashes[1]);

    // The cassette of the fork holds those three calls; the summarizer's went out with temperature 0,
    // and the simulator received exactly that body (same hash).
    const lines = (await readFile(join(dir.path, 'fork.jsonl'), 'utf8')).trimEnd().split('\n').slice(1);
    const exchanges = lines.map((line) => JSON.parse(line) as CassetteExchange);
    const speakers = exchanges.map(
      (exchange) => /You are the (\w+)/.exec(exchange.request.messages[0]!.content)?.[1],
    );
    expect(speakers).toEqual(['Coder', 'Critic', 'Summarizer']);
    const summarizer = exchanges[2]!.request;
    expect(summarizer.temperature).toBe(0);
    expect(exchanges[0]!.request.temperature).not.toBe(0);
    expect(forkHashes).toContain(
      requestBodyHash({
        model: summarizer.model,
        messages: summarizer.messages,
        temperature: summarizer.temperature,
        maxTokens: summarizer.maxTokens,
      }),
    );
    // In the source run the summarizer asked with its default temperature: that request is not resent.
    expect(sourceHashes[4]).not.toBe(forkHashes[2]);
  });

  it('forks from step 1 with everything run again', async () => {
    const lastSeq = sim.requests().at(-1)!.seq;
    // Without the response cache, which would answer these calls just as the source run got them.
    const result = await cli(['runs', 'fork', sourceId, '--from-step', '1', '--no-cache', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const forked = await events(JSON.parse(result.stdout).runId);
    expect(forked.some((event) => event.type === 'llm.completed' && event.cached)).toBe(false);
    expect(sim.requests(lastSeq)).toHaveLength(5);
  });

  const refusals: [string, string[], RegExp][] = [
    [
      'an unknown run',
      ['runs', 'fork', 'run_nope', '--from-step', '1'],
      /^agentmesh: No run run_nope in the run store; agentmesh runs list shows the stored runs\.$/,
    ],
    [
      'step 0',
      ['--from-step', '0'],
      /^agentmesh: Run run_\w+ has 5 steps; --from-step must be between 1 and 5, not 0\.$/,
    ],
    [
      'a step past the end',
      ['--from-step', '6'],
      /^agentmesh: Run run_\w+ has 5 steps; --from-step must be between 1 and 5, not 6\.$/,
    ],
    [
      'an unknown agent',
      ['--from-step', '2', '--set', 'agents.sumarizer.temperature=0'],
      /^agentmesh: --set agents\.sumarizer\.temperature=0: no agent "sumarizer" \(did you mean "summarizer"\?\)/,
    ],
    [
      'a bad value',
      ['--from-step', '2', '--set', 'agents.summarizer.temperature=hot'],
      /^agentmesh: --set agents\.summarizer\.temperature=hot: expected a number from 0 to 2, got "hot"$/,
    ],
    [
      'an unknown field',
      ['--from-step', '2', '--set', 'agents.coder.temprature=0'],
      /^agentmesh: --set agents\.coder\.temprature=0: unknown key "temprature" \(did you mean "temperature"\?\)/,
    ],
    [
      'a section that cannot be set',
      ['--from-step', '2', '--set', 'providers.custom.apiKey=x'],
      /^agentmesh: --set providers\.custom\.apiKey=x: only agents, teams, limits, models can be changed/,
    ],
    [
      'a set without a value',
      ['--from-step', '2', '--set', 'limits.maxCostUsd'],
      /^agentmesh: --set limits\.maxCostUsd: expected path=value/,
    ],
  ];
  for (const [what, args, message] of refusals) {
    it(`refuses ${what} with one line, exit 2, nothing stored`, async () => {
      const before = await runCount();
      const requests = sim.requests().length;
      const full = args[0] === 'runs' ? args : ['runs', 'fork', sourceId, ...args];
      const result = await cli(full);
      expect(result.code).toBe(2);
      expect(result.stderr.trimEnd()).toMatch(message);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(await runCount()).toBe(before);
      expect(sim.requests()).toHaveLength(requests);
    });
  }
});
