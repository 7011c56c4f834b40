import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredRunEvent } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { type CliResult, runCli, tempDir } from './support/cli.js';
import { readOnlyRun } from './support/run-log.js';

/** The reference MCP server (not ours), started over stdio with the node running the tests. */
const EVERYTHING = resolve(
  import.meta.dirname,
  '../node_modules/@modelcontextprotocol/server-everything/dist/index.js',
);
const NOTES = 'Meeting notes: ship the parser on Friday.\nSecond line.\n';

/** agentmesh.yaml for a one-agent team `tooled` whose coder has `tools`, with `extra` YAML appended. */
function configYaml(tools: string[], extra = ''): string {
  return [
    'agents:',
    `  coder: { tools: [${tools.map((name) => JSON.stringify(name)).join(', ')}] }`,
    'teams:',
    '  tooled: { pattern: pipeline, agents: [coder] }',
    'defaults: { team: tooled }',
    'tools:',
    '  workspace: ws',
    extra,
    '',
  ].join('\n');
}

const EVERYTHING_SERVER = `  mcp:\n    everything: { command: ${JSON.stringify(process.execPath)}, args: [${JSON.stringify(EVERYTHING)}, stdio] }`;
const BROKEN_SERVER = `    broken: { command: ${JSON.stringify(process.execPath)}, args: ["-e", "console.error('Error: no ROOT'); process.exit(3)"] }`;

let sim: RunningSimulator;
let dir: Awaited<ReturnType<typeof tempDir>>;
const db = () => join(dir.path, '.agentmesh', 'agentmesh.db');
const cli = (args: string[]) =>
  runCli([...args, '--base-url', sim.url, '--model', 'sim-model', '--no-cache'], { cwd: dir.path });
const agentmeshLines = (result: CliResult) =>
  result.stderr.split('\n').filter((line) => line.startsWith('agentmesh: '));
const ofType = <T extends StoredRunEvent['type']>(events: StoredRunEvent[], type: T) =>
  events.filter((event): event is Extract<StoredRunEvent, { type: T }> => event.type === type);

beforeAll(async () => {
  sim = await startSimulator();
});
afterAll(() => sim?.close());
beforeEach(async () => {
  dir = await tempDir();
  await mkdir(join(dir.path, 'ws'));
  await writeFile(join(dir.path, 'ws', 'notes.md'), NOTES);
});
afterEach(() => dir?.remove());

describe('an agent with built-in tools, through the CLI', () => {
  it('reads a file the model asks for, answers from it, and shows the call in the log, runs show and the transcript', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(['read_file', 'write_file']));
    const result = await cli(['run', 'Summarise the notes [[tool read_file {"path":"notes.md"}]]', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.status).toBe('succeeded');
    expect(output.output).toMatch(/^Tool results used:/);
    expect(output.output).toContain('read_file: Meeting notes: ship the parser on Friday.');
    // The progress display: the call and how it ended.
    expect(result.stderr).toContain('coder → read_file {"path":"notes.md"}');

    const run = await readOnlyRun(db());
    const called = ofType(run!.events, 'tool.called');
    const completed = ofType(run!.events, 'tool.completed');
    expect(called.map((event) => [event.tool, event.arguments, event.source])).toEqual([
      ['read_file', '{"path":"notes.md"}', 'builtin'],
    ]);
    expect(completed).toHaveLength(1);
    expect(completed[0]).toMatchObject({
      callId: called[0]!.callId,
      result: expect.stringContaining('Meeting notes'),
    });
    const { bytes } = completed[0]!;
    expect(result.stderr).toMatch(new RegExp(`coder ← read_file ok · \\d+ ms · ${bytes} B`));

    const shown = await runCli(['runs', 'show', run!.runId], { cwd: dir.path });
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('## Tool calls');
    expect(shown.stdout).toMatch(
      new RegExp(`- ${called[0]!.stepId} coder read_file \\{"path":"notes.md"\\} ok · \\d+ ms · ${bytes} B`),
    );
    const json = JSON.parse((await runCli(['runs', 'show', run!.runId, '--json'], { cwd: dir.path })).stdout);
    expect(json.toolCalls).toEqual([
      expect.objectContaining({ tool: 'read_file', arguments: '{"path":"notes.md"}', status: 'completed' }),
    ]);
    const transcript = await readFile(join(output.artifactsDir, 'transcript.md'), 'utf8');
    expect(transcript).toContain(`## coder · tool calls (${called[0]!.stepId})`);
    expect(transcript).toMatch(/- `read_file` \{"path":"notes.md"\} → ok/);
    // Tool calls come under their step, before the agent's answer.
    expect(transcript.indexOf('tool calls')).toBeLessThan(transcript.indexOf('Tool results used:'));
  });

  it('pauses on a call that needs approval, shows it, and runs the tool exactly once after agentmesh approve', async () => {
    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      configYaml(['read_file', 'write_file'], '  approval: [write_file]'),
    );
    const task = 'Write the greeting [[tool write_file {"path":"out.txt","content":"hello"}]]';
    const paused = await cli(['run', task, '--json']);
    expect(paused.code, paused.stderr).toBe(0);
    const { runId, status } = JSON.parse(paused.stdout);
    expect(status).toBe('awaiting_approval');
    expect(agentmeshLines(paused).join('\n')).toContain(
      `run ${runId} waits for your decision on coder's call of write_file {"path":"out.txt","content":"hello"}`,
    );
    expect(agentmeshLines(paused).join('\n')).toContain(`agentmesh approve ${runId}`);
    expect(existsSync(join(dir.path, 'ws', 'out.txt'))).toBe(false);

    const approved = await cli(['approve', runId, '--json']);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stderr).toContain("agentmesh: approving coder's call of write_file");
    expect(approved.stderr).toContain('  {"path":"out.txt","content":"hello"}');
    expect(JSON.parse(approved.stdout)).toMatchObject({ status: 'succeeded' });
    expect(await readFile(join(dir.path, 'ws', 'out.txt'), 'utf8')).toBe('hello');
    const run = await readOnlyRun(db());
    expect(ofType(run!.events, 'tool.completed').filter((event) => event.tool === 'write_file')).toHaveLength(
      1,
    );
    expect(run!.state.output).toMatch(/^Tool results used:/);
  });

  it('a rejected call does not run: the agent gets the refusal with the comment and still answers', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(['write_file'], '  approval: [write_file]'));
    const paused = await cli(['run', 'Write [[tool write_file {"path":"out.txt","content":"x"}]]', '--json']);
    const { runId } = JSON.parse(paused.stdout);
    // The simulator, like a model, asks again after an error result (at most twice): each ask is refused.
    let status = 'awaiting_approval';
    let rejections = 0;
    while (status === 'awaiting_approval' && rejections < 5) {
      const rejected = await cli(['approve', runId, '--reject', '--comment', 'not that file', '--json']);
      expect(rejected.code, rejected.stderr).toBe(0);
      expect(rejected.stderr).toContain("agentmesh: rejecting coder's call of write_file");
      status = JSON.parse(rejected.stdout).status;
      rejections += 1;
    }
    expect(status).toBe('succeeded');
    expect(existsSync(join(dir.path, 'ws', 'out.txt'))).toBe(false);
    const run = await readOnlyRun(db());
    const failed = ofType(run!.events, 'tool.failed');
    expect(failed.map((event) => event.error.code)).toEqual(Array(rejections).fill('tool_declined'));
    expect(ofType(run!.events, 'tool.completed')).toEqual([]);
    expect(failed[0]!.result).toContain('not that file');
    expect(run!.state.output).toContain('write_file failed');
    expect(run!.state.output).not.toContain('not that file');
  });

  it('refuses an unknown tool name before anything is stored: one line, exit 2', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(['reed_file']));
    const result = await cli(['run', 'Read [[tool read_file {"path":"notes.md"}]]']);
    expect(result.code).toBe(2);
    expect(agentmeshLines(result)).toEqual([
      expect.stringMatching(
        /^agentmesh: Agent "coder" has tool "reed_file", .*\(did you mean "read_file"\?\)/,
      ),
    ]);
    expect(await readOnlyRun(db())).toBeUndefined();
  });
});

describe('an agent with an MCP server’s tool, through the CLI', () => {
  it('calls the reference server’s echo over stdio and stores its result', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(['mcp:everything/echo'], EVERYTHING_SERVER));
    const result = await cli(['run', 'Say it back [[tool echo {"message":"hi"}]]', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).status).toBe('succeeded');
    const run = await readOnlyRun(db());
    const called = ofType(run!.events, 'tool.called');
    expect(called.map((event) => [event.tool, event.source])).toEqual([
      ['everything__echo', 'mcp:everything'],
    ]);
    expect(ofType(run!.events, 'tool.completed')[0]!.result).toContain('Echo: hi');
  });

  it('refuses to start a run whose MCP server cannot start: one line, exit 2, nothing stored', async () => {
    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      configYaml(['read_file', 'mcp:broken'], `  mcp:\n${BROKEN_SERVER}`),
    );
    const result = await cli(['run', 'Read [[tool read_file {"path":"notes.md"}]]']);
    expect(result.code).toBe(2);
    expect(agentmeshLines(result)).toEqual([
      'agentmesh: MCP server "broken" did not start: it exited with code 3 (last stderr: "Error: no ROOT"); check tools.mcp.broken in agentmesh.yaml',
    ]);
    expect(await readOnlyRun(db())).toBeUndefined();
  });
});

describe('agentmesh tools list', () => {
  it('lists every tool each agent sees, with its source, side effects and approval', async () => {
    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      configYaml(
        ['read_file', 'write_file', 'mcp:everything/echo', 'deploy'],
        `  approval: [write_file]\n${EVERYTHING_SERVER}`,
      ),
    );
    const result = await runCli(['tools', 'list'], { cwd: dir.path });
    expect(result.code, result.stderr).toBe(0);
    const rows = result.stdout
      .trim()
      .split('\n')
      .map((line) => line.split(/\s{2,}/));
    expect(rows[0]).toEqual(['AGENT', 'TOOL', 'SOURCE', 'SIDE EFFECTS', 'APPROVAL', 'DESCRIPTION']);
    expect(rows.slice(1).map((row) => row.slice(0, 5))).toEqual([
      ['coder', 'read_file', 'builtin', '-', '-'],
      ['coder', 'write_file', 'builtin', 'yes', 'needed'],
      ['coder', 'everything__echo', 'mcp:everything', expect.stringMatching(/^(yes|-)$/), '-'],
      ['coder', 'deploy', 'custom', '?', '-'],
    ]);
    expect(rows[4]![5]).toContain('runTask({ tools })');

    const json = JSON.parse(
      (await runCli(['tools', 'list', '--agent', 'coder', '--json'], { cwd: dir.path })).stdout,
    );
    expect(json.map((row: { name: string }) => row.name)).toEqual([
      'read_file',
      'write_file',
      'everything__echo',
      'deploy',
    ]);
    expect(json[2]).toMatchObject({ agent: 'coder', source: 'mcp:everything', needsApproval: false });
  });

  it('says why an MCP server could not be listed, and exits 1', async () => {
    await writeFile(
      join(dir.path, 'agentmesh.yaml'),
      configYaml(['read_file', 'mcp:broken'], `  mcp:\n${BROKEN_SERVER}`),
    );
    const result = await runCli(['tools', 'list'], { cwd: dir.path });
    expect(result.code).toBe(1);
    const broken = result.stdout.split('\n').find((line) => line.includes('mcp:broken'));
    expect(broken).toContain('unavailable: MCP server "broken" did not start: it exited with code 3');
    expect(result.stdout).toMatch(/coder\s+read_file\s+builtin/);
    expect(agentmeshLines(result)).toEqual(['agentmesh: 1 MCP server could not be listed: mcp:broken']);
  });

  it('exits 2 on an unknown agent, naming the closest one', async () => {
    await writeFile(join(dir.path, 'agentmesh.yaml'), configYaml(['read_file']));
    const result = await runCli(['tools', 'list', '--agent', 'codr'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(agentmeshLines(result)[0]).toMatch(/^agentmesh: No agent "codr" \(did you mean "coder"\?\)/);
  });
});
