import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AgentMeshError } from '../errors/index.js';
import { defineTool, type ToolDefinition } from './tool.js';
import { ToolSet } from './tool-set.js';

const readFile = defineTool({
  name: 'read_file',
  description: 'Reads a file of the workspace.',
  parameters: z.object({
    path: z.string().describe('relative path'),
    lines: z.array(z.number().int()).optional(),
    encoding: z.enum(['utf8', 'latin1']).default('utf8'),
  }),
  execute: async ({ path }) => path,
});

const listFiles = defineTool({
  name: 'list_files',
  description: 'Lists a directory.',
  parameters: z.object({ dir: z.string().optional() }),
  execute: async () => '',
});

const search: ToolDefinition = {
  name: 'mcp-docs__search',
  description: 'Searches the docs.',
  parameters: {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'urn:docs:search',
    properties: {
      query: { type: 'string', minLength: 1 },
      filter: {
        type: 'object',
        properties: { year: { type: 'integer' } },
        additionalProperties: false,
      },
      url: { type: 'string', format: 'uri' },
    },
    required: ['query'],
  },
  execute: async () => '',
};

/** The error `fn` throws, which must be an AgentMeshError. */
function thrown(fn: () => unknown): AgentMeshError {
  try {
    fn();
  } catch (error) {
    if (error instanceof AgentMeshError) return error;
    throw error;
  }
  throw new Error('expected a throw');
}

describe('ToolSet specs', () => {
  it('turns a zod schema into JSON Schema of the input and keeps a raw one, both type object without $schema', () => {
    const set = new ToolSet([readFile, search]);
    const [zodSpec, rawSpec] = set.specs();
    expect(zodSpec).toEqual({
      name: 'read_file',
      description: 'Reads a file of the workspace.',
      parameters: expect.objectContaining({
        type: 'object',
        required: ['path'],
        properties: expect.objectContaining({ path: { type: 'string', description: 'relative path' } }),
      }),
    });
    expect(zodSpec?.parameters).not.toHaveProperty('$schema');
    expect(rawSpec?.parameters).toMatchObject({ type: 'object', required: ['query'] });
    expect(rawSpec?.parameters).not.toHaveProperty('$schema');
  });

  it('refuses names providers reject, duplicate names and parameters that are not an object', () => {
    const bad = (tool: Partial<ToolDefinition>) => ({ ...listFiles, ...tool }) as ToolDefinition;
    expect(thrown(() => new ToolSet([bad({ name: 'read file' })])).code).toBe('config_invalid');
    expect(thrown(() => new ToolSet([listFiles, listFiles])).message).toContain('two tools have this name');
    expect(thrown(() => new ToolSet([bad({ parameters: z.string() })])).message).toContain('object schema');
    expect(thrown(() => new ToolSet([bad({ parameters: { type: 'array' } })])).code).toBe('config_invalid');
  });

  it('builds one set per definitions array', () => {
    const definitions = [readFile, listFiles];
    expect(ToolSet.of(definitions)).toBe(ToolSet.of(definitions));
    expect(ToolSet.of([readFile])).not.toBe(ToolSet.of([readFile]));
    // The same raw schema object in two sets compiles once; a shared `$id` does not clash.
    expect(() => new ToolSet([search]).parseCall(search.name, '{"query":"x"}')).not.toThrow();
  });
});

describe('ToolSet.parseCall', () => {
  const set = new ToolSet([readFile, listFiles, search]);

  it('returns the arguments as the zod schema parses them (defaults applied)', () => {
    const { tool, args } = set.parseCall('read_file', '{"path":"a.txt","lines":[1,2]}');
    expect(tool).toBe(readFile);
    expect(args).toEqual({ path: 'a.txt', lines: [1, 2], encoding: 'utf8' });
  });

  it('names the tool and the path of the first problem in one line', () => {
    const error = thrown(() => set.parseCall('read_file', '{"path":"a.txt","lines":[1,"two"]}'));
    expect(error.code).toBe('tool_args_invalid');
    expect(error.message).toMatch(
      /^Arguments of read_file do not fit its parameters: lines\[1\]: .*expected number/,
    );
    expect(error.message).not.toContain('\n');
    expect(error.context).toEqual({ tool: 'read_file' });
  });

  it('says when arguments are not JSON, without echoing a huge input', () => {
    const error = thrown(() => set.parseCall('read_file', `{"path": "${'x'.repeat(100_000)}`));
    expect(error.code).toBe('tool_args_invalid');
    expect(error.message).toMatch(/^Arguments of read_file are not valid JSON \(/);
    expect(error.message.length).toBeLessThan(600);
  });

  it('takes empty arguments as {} only when the schema accepts an empty object', () => {
    expect(set.parseCall('list_files', '').args).toEqual({});
    expect(set.parseCall('list_files', '  \n').args).toEqual({});
    const error = thrown(() => set.parseCall('read_file', ''));
    expect(error.code).toBe('tool_args_invalid');
    expect(error.message).toMatch(/^Arguments of read_file are empty: path: /);
  });

  it('checks JSON Schema tools with ajv: required, nested paths, unknown properties, wrong root types', () => {
    expect(set.parseCall('mcp-docs__search', '{"query":"zod","url":"not a uri"}').args).toEqual({
      query: 'zod',
      url: 'not a uri',
    });
    expect(thrown(() => set.parseCall('mcp-docs__search', '{}')).message).toContain(': query: is required');
    expect(
      thrown(() => set.parseCall('mcp-docs__search', '{"query":"x","filter":{"year":"2024"}}')).message,
    ).toContain('filter.year: must be integer');
    expect(
      thrown(() => set.parseCall('mcp-docs__search', '{"query":"x","filter":{"month":1}}')).message,
    ).toContain('filter: has an unknown property "month"');
    expect(thrown(() => set.parseCall('mcp-docs__search', '[1]')).message).toContain(
      '(arguments): must be object',
    );
    expect(thrown(() => set.parseCall('read_file', 'null')).message).toContain('(arguments): ');
  });

  it('answers an unknown name with the tools that exist', () => {
    const error = thrown(() => set.parseCall('delete_everything', '{}'));
    expect(error.code).toBe('tool_unknown');
    expect(error.message).toBe(
      'There is no tool named "delete_everything"; the tools you can call are: read_file, list_files, mcp-docs__search.',
    );
  });

  it('turns a schema refinement that throws into a typed result', () => {
    const fragile = defineTool({
      name: 'fragile',
      description: 'Its refinement throws.',
      parameters: z.object({ n: z.number() }).refine(() => {
        throw new Error('refinement broke');
      }),
      execute: async () => '',
    });
    const error = thrown(() => new ToolSet([fragile]).parseCall('fragile', '{"n":1}'));
    expect(error.code).toBe('tool_args_invalid');
    expect(error.message).toContain('could not be checked: refinement broke');
  });
});
