import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { resolveConfig } from '../config/resolve-config.js';
import type { AgentConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import { defineTool, type ToolDefinition } from '../tools/tool.js';
import {
  checkToolNames,
  indexCustomTools,
  mcpServersUsed,
  parseToolRef,
  resolveAgentTools,
  type ToolSources,
} from './resolve-agent-tools.js';

const coder = resolveConfig({ file: null, env: {}, cwd: '/tmp' }).agents.coder!;
const agent = (tools: string[]): AgentConfig => ({ ...coder, tools });

function tool(name: string, extra: Partial<ToolDefinition> = {}): ToolDefinition {
  return {
    name,
    description: `the ${name} tool`,
    parameters: { type: 'object' },
    execute: async () => name,
    ...extra,
  };
}

/** A class-based tool: `execute` lives on the prototype, where a spread would lose it. */
class Stamp implements ToolDefinition {
  readonly name = 'stamp';
  readonly description = 'stamps';
  readonly parameters = { type: 'object' };
  async execute(): Promise<string> {
    return `stamped by ${this.name}`;
  }
}

const sources: ToolSources = {
  builtin: (name) => tool(name, { source: 'builtin' }),
  custom: new Map([
    [
      'deploy',
      defineTool({
        name: 'deploy',
        description: 'd',
        parameters: z.object({}),
        sideEffects: true,
        execute: async () => 'ok',
      }),
    ],
    ['stamp', new Stamp()],
  ]),
  mcp: new Map([
    [
      'fs',
      {
        tools: [
          tool('fs__read_text', { source: 'mcp:fs' }),
          tool('fs__write', { source: 'mcp:fs', sideEffects: true }),
        ],
        serverToolNames: new Map([
          ['fs__read_text', 'read.text'],
          ['fs__write', 'write'],
        ]),
      },
    ],
  ]),
};
const noApproval = { approval: [], mcp: {} };

function thrown(fn: () => unknown): AgentMeshError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AgentMeshError);
    return error as AgentMeshError;
  }
  throw new Error('expected an AgentMeshError');
}

describe('parseToolRef', () => {
  it('tells built-in names, MCP servers, single MCP tools and other names apart', () => {
    expect(parseToolRef('read_file')).toEqual({ kind: 'builtin', name: 'read_file' });
    expect(parseToolRef('mcp:fs')).toEqual({ kind: 'mcp', server: 'fs', tool: null });
    expect(parseToolRef('mcp:fs/read.text')).toEqual({ kind: 'mcp', server: 'fs', tool: 'read.text' });
    expect(parseToolRef('deploy')).toEqual({ kind: 'custom', name: 'deploy' });
  });

  it('lists each MCP server once, only those named', () => {
    expect(mcpServersUsed([agent(['mcp:fs/write', 'read_file']), agent(['mcp:fs', 'mcp:git'])])).toEqual([
      'fs',
      'git',
    ]);
  });
});

describe('resolveAgentTools', () => {
  it('resolves built-ins, custom tools, a whole MCP server and one of its tools by the server’s own name', () => {
    const all = resolveAgentTools(agent(['read_file', 'deploy', 'mcp:fs']), sources, noApproval);
    expect(all.map((t) => [t.name, t.source])).toEqual([
      ['read_file', 'builtin'],
      ['deploy', 'custom'],
      ['fs__read_text', 'mcp:fs'],
      ['fs__write', 'mcp:fs'],
    ]);
    const one = resolveAgentTools(agent(['mcp:fs/read.text']), sources, noApproval);
    expect(one.map((t) => t.name)).toEqual(['fs__read_text']);
  });

  it('marks the tools named in tools.approval and those of a server that needs approval, keeping execute', async () => {
    const server = { needsApproval: true } as never;
    const resolved = resolveAgentTools(agent(['stamp', 'deploy', 'mcp:fs/write']), sources, {
      approval: ['stamp'],
      mcp: { fs: server },
    });
    expect(resolved.map((t) => [t.name, t.needsApproval === true])).toEqual([
      ['stamp', true],
      ['deploy', false],
      ['fs__write', true],
    ]);
    const context = {} as never;
    await expect(resolved[0]!.execute({}, context)).resolves.toBe('stamped by stamp');
    expect(sources.custom.get('stamp')!.needsApproval).toBeUndefined();
  });

  it('refuses a tool that two entries both give, naming both', () => {
    const error = thrown(() => resolveAgentTools(agent(['mcp:fs', 'mcp:fs/write']), sources, noApproval));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      'Agent "coder" gets tool "fs__write" twice (from "mcp:fs" and "mcp:fs/write"); list it once in agents.coder.tools.',
    );
  });

  it('names the closest tool a server offers when an mcp:<server>/<tool> has a typo', () => {
    const error = thrown(() => resolveAgentTools(agent(['mcp:fs/writ']), sources, noApproval));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain(
      'MCP server "fs" offers no tool "writ" (did you mean "write"?); it offers: read.text, write',
    );
    expect(error.message).not.toContain('\n');
  });
});

describe('checkToolNames', () => {
  it('refuses a name that is neither built in nor given, with the closest match and what exists', () => {
    const error = thrown(() => checkToolNames([agent(['reed_file'])], ['deploy'], ['fs']));
    expect(error.code).toBe('config_invalid');
    expect(error.message).toMatch(
      /^Agent "coder" has tool "reed_file", .* \(did you mean "read_file"\?\); built in: read_file, /,
    );
    expect(error.message).toContain('given: deploy');
    expect(error.message).not.toContain('\n');
    expect(() =>
      checkToolNames([agent(['deploy', 'mcp:fs', 'read_file'])], ['deploy'], ['fs']),
    ).not.toThrow();
  });
});

describe('indexCustomTools', () => {
  it('refuses names providers reject, names given twice and names of built-ins', () => {
    expect(thrown(() => indexCustomTools([tool('has space')])).message).toContain('may use only letters');
    expect(thrown(() => indexCustomTools([tool('a'), tool('a')])).message).toContain('is given twice');
    const shadow = thrown(() => indexCustomTools([tool('read_file')]));
    expect(shadow.code).toBe('usage');
    expect(shadow.message).toBe(
      'Custom tool "read_file" is the name of a built-in tool; rename it in the tools you pass to the run.',
    );
  });
});
