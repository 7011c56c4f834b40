import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadConfigFile } from '../config/load-config.js';
import { resolveConfig, resolveTeam } from '../config/resolve-config.js';
import { AgentMeshError } from '../errors/index.js';
import type { Toolbox } from '../tools/agent-tools.js';
import { defineTool, type ToolContext, type ToolDefinition } from '../tools/tool.js';
import { openToolbox } from './open-toolbox.js';

const EVERYTHING = resolve(
  import.meta.dirname,
  '../../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
const everything = `    everything: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING)}, stdio] }`;

let cwd: string;
let opened: Toolbox | undefined;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'agentmesh-toolbox-'));
});
afterEach(async () => {
  await opened?.close();
  opened = undefined;
  await rm(cwd, { recursive: true, force: true });
});

async function configOf(yaml: string) {
  await writeFile(join(cwd, 'agentmesh.yaml'), yaml);
  return resolveConfig({ file: await loadConfigFile({ cwd, env: {} }), env: {}, cwd });
}

const deploy = defineTool({
  name: 'deploy',
  description: 'Deploys',
  parameters: z.object({ target: z.string() }),
  sideEffects: true,
  execute: async ({ target }) => `deployed ${target}`,
});

async function open(yaml: string, customTools: ToolDefinition[] = [deploy], runId = 'run_1') {
  const config = await configOf(yaml);
  opened = await openToolbox({ config, team: resolveTeam(config, 'work'), runId, customTools });
  return { config, toolbox: opened };
}

async function openingFails(yaml: string, customTools: ToolDefinition[] = [deploy]): Promise<AgentMeshError> {
  const error = await open(yaml, customTools).then(
    () => new Error('expected openToolbox to fail'),
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(AgentMeshError);
  expect((error as Error).message).not.toContain('\n');
  return error as AgentMeshError;
}

const context = (workspace: string): ToolContext => ({
  runId: 'run_1',
  stepId: 's1',
  agentId: 'coder',
  idempotencyKey: 'run_1/s1#0',
  workspace,
  signal: new AbortController().signal,
});

describe('openToolbox', () => {
  it('gives a team whose agents have no tools no toolbox at all, and creates no workspace', async () => {
    const { config, toolbox } = await open(
      'teams:\n  work: { pattern: pipeline, agents: [planner, coder] }\n',
    );
    expect(toolbox).toBeUndefined();
    expect(existsSync(join(config.store.artifactsDir, 'run_1'))).toBe(false);
  });

  it('builds each agent’s tools: built-in, custom and one MCP tool, with approval, bounds and a fresh workspace', async () => {
    const { config, toolbox } = await open(
      [
        'agents:',
        '  coder: { tools: [read_file, write_file, deploy, "mcp:everything/echo"], maxToolRounds: 3 }',
        '  critic: { tools: [read_file] }',
        'teams:',
        '  work: { pattern: pipeline, agents: [planner, coder, critic] }',
        'tools:',
        '  maxRounds: 5',
        '  timeoutMs: 1234',
        '  approval: [deploy]',
        '  mcp:',
        everything,
        '',
      ].join('\n'),
    );
    const coder = toolbox!.forAgent('coder')!;
    const workspace = join(config.store.artifactsDir, 'run_1', 'workspace');
    expect(existsSync(workspace)).toBe(true);
    expect(coder).toMatchObject({ maxRounds: 3, maxInvalidArgs: 2, timeoutMs: 1234, workspace });
    expect(coder.definitions.map((tool) => [tool.name, tool.source, tool.needsApproval === true])).toEqual([
      ['read_file', 'builtin', false],
      ['write_file', 'builtin', false],
      ['deploy', 'custom', true],
      ['everything__echo', 'mcp:everything', false],
    ]);
    expect(toolbox!.forAgent('critic')).toMatchObject({ maxRounds: 5 });
    expect(toolbox!.forAgent('planner')).toBeUndefined();
    // The agents share the run's built-ins (one object per tool).
    expect(toolbox!.forAgent('critic')!.definitions[0]).toBe(coder.definitions[0]);

    const echo = coder.definitions.find((tool) => tool.name === 'everything__echo')!;
    await expect(echo.execute({ message: 'hi' }, context(workspace))).resolves.toBe('Echo: hi');
    await toolbox!.close();
    await toolbox!.close();
  });

  it('uses tools.workspace when set, creating it', async () => {
    const { toolbox } = await open(
      'agents:\n  coder: { tools: [list_files] }\nteams:\n  work: { pattern: pipeline, agents: [coder] }\ntools:\n  workspace: deep/ws\n',
    );
    expect(toolbox!.forAgent('coder')!.workspace).toBe(join(cwd, 'deep', 'ws'));
    expect(existsSync(join(cwd, 'deep', 'ws'))).toBe(true);
  });

  it('refuses a name no tool has, naming the agent, the closest match and what exists, before starting anything', async () => {
    const error = await openingFails(
      'agents:\n  coder: { tools: [deploi] }\nteams:\n  work: { pattern: pipeline, agents: [coder] }\n',
    );
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(
      /^Agent "coder" has tool "deploi", .*\(did you mean "deploy"\?\).*given: deploy\./,
    );
  });

  it('refuses a tool the MCP server does not offer, with the closest of those it does', async () => {
    const error = await openingFails(
      `agents:\n  coder: { tools: ["mcp:everything/ecko"] }\nteams:\n  work: { pattern: pipeline, agents: [coder] }\ntools:\n  mcp:\n${everything}\n`,
    );
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('MCP server "everything" offers no tool "ecko" (did you mean "echo"?)');
  });

  it('fails with the server’s own one-line reason when one of the MCP servers cannot start', async () => {
    const broken = `    broken: { command: ${JSON.stringify(process.execPath)}, args: ["-e", "process.exit(4)"] }`;
    const error = await openingFails(
      `agents:\n  coder: { tools: ["mcp:everything", "mcp:broken"] }\nteams:\n  work: { pattern: pipeline, agents: [coder] }\ntools:\n  mcp:\n${everything}\n${broken}\n`,
    );
    expect(error.code).toBe('mcp_unavailable');
    expect(error.message).toBe(
      'MCP server "broken" did not start: it exited with code 4; check tools.mcp.broken in agentmesh.yaml',
    );
    expect(existsSync(join(cwd, '.agentmesh', 'runs', 'run_1'))).toBe(false);
  });

  it('refuses a custom tool whose parameters are not an object schema when the run starts, not mid-run', async () => {
    const odd: ToolDefinition = { ...deploy, name: 'odd', parameters: { type: 'string' } };
    const error = await openingFails(
      'agents:\n  coder: { tools: [odd] }\nteams:\n  work: { pattern: pipeline, agents: [coder] }\n',
      [odd],
    );
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('odd');
  });
});
