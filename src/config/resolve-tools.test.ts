// biome-ignore-all lint/suspicious/noTemplateCurlyInString: a test of a literal ${VAR} placeholder.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { loadConfigFile } from './load-config.js';
import { resolveConfig } from './resolve-config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'agentmesh-tools-config-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function resolveYaml(yaml: string, env: Record<string, string> = {}) {
  await writeFile(join(cwd, 'agentmesh.yaml'), yaml);
  return resolveConfig({ file: await loadConfigFile({ cwd, env }), env, cwd });
}

async function problemsOf(yaml: string): Promise<string> {
  try {
    await resolveYaml(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).formatIssues().join('\n');
  }
  throw new Error('expected a ConfigError');
}

describe('tools: in agentmesh.yaml', () => {
  it('gives agents no tools, and the loop its bounds, when nothing is said', async () => {
    const config = resolveConfig({ file: null, env: {}, cwd });
    expect(config.agents.coder?.tools).toEqual([]);
    expect(config.tools).toMatchObject({
      workspace: null,
      notes: [],
      http: { allowHosts: [] },
      maxRounds: 8,
      maxInvalidArgs: 2,
      mcp: {},
    });
  });

  it('resolves agents’ tool names, paths and MCP servers of both transports', async () => {
    const config = await resolveYaml(
      `
agents:
  coder: { tools: [read_file, write_file, "mcp:fs/read", "mcp:remote"], maxToolRounds: 3 }
tools:
  workspace: ./project
  notes: [docs]
  mcp:
    fs: { command: node, args: [server.js], env: { TOKEN: "\${FS_TOKEN}" } }
    remote: { url: "https://mcp.example.com/mcp", sideEffects: false }
`,
      { FS_TOKEN: 'fs-secret' },
    );
    expect(config.agents.coder).toMatchObject({
      tools: ['read_file', 'write_file', 'mcp:fs/read', 'mcp:remote'],
      maxToolRounds: 3,
    });
    expect(config.tools.workspace).toBe(join(cwd, 'project'));
    expect(config.tools.notes).toEqual([join(cwd, 'docs')]);
    expect(config.tools.mcp.fs).toMatchObject({
      transport: 'stdio',
      command: 'node',
      env: { TOKEN: 'fs-secret' },
    });
    expect(config.tools.mcp.remote).toMatchObject({
      transport: 'http',
      sideEffects: false,
      needsApproval: false,
    });
  });

  it('refuses an MCP server with both or neither of command and url', async () => {
    const message = await problemsOf(`
tools:
  mcp:
    both: { command: node, url: "http://127.0.0.1:1/mcp" }
    neither: { args: [x] }
`);
    expect(message).toMatch(/tools\.mcp\.both.*either command .* or url/);
    expect(message).toMatch(/tools\.mcp\.neither/);
  });

  it('names the agent and suggests the server when an mcp: tool names none configured', async () => {
    const message = await problemsOf(`
agents:
  coder: { tools: ["mcp:everythin"] }
tools:
  mcp:
    everything: { command: node }
`);
    expect(message).toMatch(
      /agents\.coder\.tools\[0\].*no MCP server "everythin" \(did you mean "everything"\?\)/,
    );
  });

  it('keeps http_get off until hosts are allowed, and search_notes until notes are given', async () => {
    const message = await problemsOf(`
agents:
  researcher: { tools: [http_get, search_notes] }
`);
    expect(message).toMatch(/http_get is off until tools\.http\.allowHosts/);
    expect(message).toMatch(/search_notes needs tools\.notes/);
  });
});
