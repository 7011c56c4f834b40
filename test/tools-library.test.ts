import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { AgentMeshError } from '../src/errors/index.js';
import { approveRun } from '../src/runtime/approve-run.js';
import { openGateway } from '../src/runtime/build-gateway.js';
import { forkRun } from '../src/runtime/fork-run.js';
import { openRunStore } from '../src/runtime/open-run-store.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { defineTool } from '../src/tools/tool.js';
import { tempDir } from './support/cli.js';
import { simConfig } from './support/sim-config.js';

/** Custom tools through the library API, against the simulator over HTTP and a SQLite store. */

const SECRET_ERROR = 'disk on fire at /var/secret/place';
const throwing = defineTool({
  name: 'flaky_lookup',
  description: 'Looks something up (and throws).',
  parameters: z.object({ key: z.string() }),
  execute: async () => {
    throw new Error(SECRET_ERROR);
  },
});
const lookup = defineTool({
  name: 'lookup',
  description: 'Looks a key up.',
  parameters: z.object({ key: z.string() }),
  execute: async ({ key }) => `value of ${key}`,
});
const YAML = [
  'agents:',
  '  coder: { tools: [flaky_lookup, lookup] }',
  'teams:',
  '  work: { pattern: pipeline, agents: [coder] }',
  '  plain: { pattern: pipeline, agents: [planner] }',
  '',
].join('\n');

let sim: RunningSimulator;
let dir: Awaited<ReturnType<typeof tempDir>>;
let config: ResolvedConfig;
beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());
beforeEach(async () => {
  dir = await tempDir();
  config = await simConfig({ dir: dir.path, simUrl: sim.url, yaml: YAML });
});
afterEach(() => dir?.remove());

async function withRuntime<T>(use: (io: Omit<Parameters<typeof runTask>[0], 'task'>) => Promise<T>) {
  const store = openRunStore(config);
  const gateway = await openGateway(config, { warn: () => {} });
  try {
    return await use({ config, store, gateway: gateway.gateway, signal: new AbortController().signal });
  } finally {
    await gateway.close();
    await store.close();
  }
}

describe('tools given through the library', () => {
  it('a tool that throws: the run goes on, the model sees an error result, the answer is not the error text', async () => {
    const { state } = await withRuntime((io) =>
      runTask({
        ...io,
        team: 'work',
        task: 'Look both up [[tool flaky_lookup {"key":"a"}]] [[tool lookup {"key":"b"}]]',
        tools: [throwing, lookup],
      }),
    );
    expect(state.status).toBe('succeeded');
    expect(state.toolCalls.map((call) => [call.tool, call.status, call.error?.code])).toEqual([
      ['flaky_lookup', 'failed', 'tool_failed'],
      ['lookup', 'completed', undefined],
    ]);
    expect(state.output).toMatch(/^Tool results used:/);
    expect(state.output).toContain('flaky_lookup failed');
    expect(state.output).toContain('lookup: value of b');
    expect(state.output).not.toContain('disk on fire');
  });

  it('approving (and so resuming) needs the run’s custom tools again; without them nothing is decided', async () => {
    const gated = { ...lookup, needsApproval: true };
    const paused = await withRuntime((io) =>
      runTask({
        ...io,
        team: 'work',
        task: 'Look it up [[tool lookup {"key":"a"}]]',
        tools: [throwing, gated],
      }),
    );
    expect(paused.state.status).toBe('awaiting_approval');
    const runId = paused.state.runId;

    const refused = await withRuntime((io) => approveRun({ ...io, runId, decision: 'approved' })).catch(
      (thrown: unknown) => thrown,
    );
    expect(refused).toBeInstanceOf(AgentMeshError);
    expect(refused).toMatchObject({ code: 'config_invalid' });
    expect((refused as Error).message).toMatch(
      /^Agent "coder" has tool "flaky_lookup", .*given: none\. Fix agents\.coder\.tools in agentmesh\.yaml\.$/,
    );
    const pending = await withRuntime((io) => io.store.approvals({ runId, status: 'pending' }));
    expect(pending).toHaveLength(1);

    const approved = await withRuntime((io) =>
      approveRun({ ...io, runId, decision: 'approved', tools: [throwing, gated] }),
    );
    expect(approved.state.status).toBe('succeeded');
    expect(approved.state.output).toContain('lookup: value of a');
  });

  it('a fork of a run with tools gets them again and calls the tool anew, with its own idempotency key', async () => {
    const keys: string[] = [];
    const keyed = defineTool({
      name: 'lookup',
      description: 'Looks a key up.',
      parameters: z.object({ key: z.string() }),
      execute: async ({ key }, context) => {
        keys.push(context.idempotencyKey);
        return `value of ${key}`;
      },
    });
    const source = await withRuntime((io) =>
      runTask({
        ...io,
        team: 'work',
        task: 'Look it up [[tool lookup {"key":"a"}]]',
        tools: [throwing, keyed],
      }),
    );
    expect(source.state.status).toBe('succeeded');
    const fork = await withRuntime((io) =>
      forkRun({ ...io, sourceRunId: source.state.runId, fromStep: 1, tools: [throwing, keyed] }),
    );
    expect(fork.state.status).toBe('succeeded');
    expect(fork.state.output).toContain('lookup: value of a');
    expect(keys).toEqual([
      `${source.state.runId}/${source.state.toolCalls[0]!.callId}`,
      `${fork.state.runId}/${fork.state.toolCalls[0]!.callId}`,
    ]);
  });

  it('a team without tools gets no toolbox: no workspace directory appears', async () => {
    const { state, artifactsDir } = await withRuntime((io) =>
      runTask({ ...io, team: 'plain', task: 'Plan a parser', tools: [lookup] }),
    );
    expect(state.status).toBe('succeeded');
    expect(existsSync(join(artifactsDir!, 'workspace'))).toBe(false);
  });
});
