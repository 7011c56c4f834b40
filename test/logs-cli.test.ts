import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { type CliResult, runCli, tempDir } from './support/cli.js';

type Line = Record<string, unknown>;

let sim: RunningSimulator;
let dir: Awaited<ReturnType<typeof tempDir>>;

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir?.remove());

const cli = (args: string[]) =>
  runCli([...args, '--base-url', sim.url, '--model', 'sim-model', '--no-cache'], { cwd: dir.path });
const runIdOf = (result: CliResult) => (JSON.parse(result.stdout) as { runId: string }).runId;
const readLog = (path: string): Line[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

describe('logs of a CLI run', () => {
  it('writes every category under .agentmesh/logs with the run id and the trace id runs show prints', async () => {
    const result = await cli(['run', 'Write a function that reverses a string', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const runId = runIdOf(result);
    const show = await runCli(['runs', 'show', runId, '--json'], { cwd: dir.path });
    const { traceId } = JSON.parse(show.stdout) as { traceId: string };
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const logs = join(dir.path, '.agentmesh', 'logs');
    expect(readdirSync(logs).sort()).toEqual(['agent.log', 'llm.log', 'performance.log', 'system.log']);
    const system = readLog(join(logs, 'system.log'));
    expect(system.map((line) => line.event)).toEqual([
      'telemetry.opened',
      'run.started',
      'run.finished',
      'telemetry.closed',
    ]);
    const runLines = ['system', 'agent', 'llm', 'performance']
      .flatMap((category) => readLog(join(logs, `${category}.log`)))
      .filter((line) => line.runId !== undefined);
    expect(runLines.length).toBeGreaterThan(20);
    for (const line of runLines) expect(line).toMatchObject({ runId, traceId });

    // The pipeline's five agents: one model call and one step each, with their ids and timings.
    const llm = readLog(join(logs, 'llm.log'));
    expect(llm.map((line) => line.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
    ]);
    for (const line of llm) {
      expect(line).toMatchObject({
        event: 'llm.completed',
        provider: 'custom',
        model: 'sim-model',
        cached: false,
      });
      expect(line.stepId).toEqual(expect.any(String));
      expect(line.promptTokens).toBeGreaterThan(0);
      expect(line.latencyMs).toEqual(expect.any(Number));
    }
    const steps = readLog(join(logs, 'performance.log')).filter((line) => line.kind === 'step');
    expect(steps.map((line) => line.agentId)).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
      'summarizer',
    ]);
    for (const step of steps) expect(step.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('writes a command that fails to the error log', async () => {
    const first = await cli(['run', 'Write a haiku', '--team', 'chat', '--json']);
    expect(first.code, first.stderr).toBe(0);
    const result = await cli(['resume', 'run_does_not_exist']);
    expect(result.code).not.toBe(0);
    const errors = readLog(join(dir.path, '.agentmesh', 'logs', 'error.log'));
    expect(errors).toEqual([
      expect.objectContaining({
        level: 'error',
        category: 'error',
        event: 'command.failed',
        error: expect.objectContaining({ code: 'run_not_found' }),
      }),
    ]);
  });

  it('creates no log directory at level silent, and writes to telemetry.logs.dir when set', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), 'telemetry:\n  logs: { level: silent }\n');
    const quiet = await cli(['run', 'Write a haiku', '--team', 'chat', '--json']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(existsSync(join(dir.path, '.agentmesh', 'agentmesh.db'))).toBe(true);
    expect(existsSync(join(dir.path, '.agentmesh', 'logs'))).toBe(false);

    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      'telemetry:\n  logs: { dir: var/log/am, level: warn }\n',
    );
    const moved = await cli(['run', 'Write a haiku', '--team', 'chat', '--json']);
    expect(moved.code, moved.stderr).toBe(0);
    expect(existsSync(join(dir.path, '.agentmesh', 'logs'))).toBe(false);
    // At warn a clean run leaves nothing to say; the directory exists only if a line was written.
    expect(existsSync(join(dir.path, 'var', 'log', 'am'))).toBe(false);

    await writeFile(join(dir.path, 'agentmesh.yaml'), 'telemetry:\n  logs: { dir: var/log/am }\n');
    const logged = await cli(['run', 'Write a haiku', '--team', 'chat', '--json']);
    expect(logged.code, logged.stderr).toBe(0);
    const system = readLog(join(dir.path, 'var', 'log', 'am', 'system.log'));
    expect(system.some((line) => line.event === 'run.started' && line.runId === runIdOf(logged))).toBe(true);
  });
});
