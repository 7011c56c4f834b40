import { describe, expect, it } from 'vitest';
import { TOOL_NAME_PATTERN } from '../tool.js';
import { mcpToolName } from './mcp-tool-name.js';

describe('mcpToolName', () => {
  it('prefixes the tool with its server and a double underscore', () => {
    expect(mcpToolName('everything', 'get-sum', new Set())).toBe('everything__get-sum');
  });

  it('replaces characters providers refuse', () => {
    const name = mcpToolName('fs', 'read.file/v2 (beta)', new Set());
    expect(name).toBe('fs__read_file_v2__beta_');
    expect(name).toMatch(TOOL_NAME_PATTERN);
  });

  it('cuts a long name to 64 characters and keeps two long names apart by a hash', () => {
    const first = mcpToolName('server', `${'x'.repeat(80)}a`, new Set());
    const second = mcpToolName('server', `${'x'.repeat(80)}b`, new Set());
    expect(first).toHaveLength(64);
    expect(first).toMatch(TOOL_NAME_PATTERN);
    expect(first).not.toBe(second);
    expect(first.slice(0, 40)).toBe(second.slice(0, 40));
  });

  it('gives a name that collides after sanitizing a hash suffix', () => {
    const taken = new Set([mcpToolName('s', 'a.b', new Set())]);
    const other = mcpToolName('s', 'a_b', taken);
    expect(taken.has(other)).toBe(false);
    expect(other).toMatch(/^s__a_b_[0-9a-f]{8}$/);
  });

  it('is stable: the same tool gets the same name in every run', () => {
    const long = 'y'.repeat(100);
    expect(mcpToolName('s', long, new Set())).toBe(mcpToolName('s', long, new Set()));
  });
});
