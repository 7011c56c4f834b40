import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Sandbox } from '../../code/sandbox/sandbox.js';
import { BUILTIN_TOOL_NAMES } from '../../config/defaults/settings.js';
import { resolveConfig } from '../../config/index.js';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { createSandbox } from '../../runtime/create-sandbox.js';
import type { ToolContext } from '../tool.js';
import { TOOL_NAME_PATTERN } from '../tool.js';
import { createBuiltinTools } from './builtin-tools.js';

describe('createBuiltinTools', () => {
  let dir: string;
  let config: ResolvedConfig;
  let context: ToolContext;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-builtins-'));
    mkdirSync(join(dir, 'notes'));
    mkdirSync(join(dir, 'workspace'));
    writeFileSync(join(dir, 'notes', 'a.md'), 'The build uses esbuild.\n');
    const resolved = resolveConfig({ file: null, env: {}, cwd: dir });
    config = {
      ...resolved,
      tools: {
        ...resolved.tools,
        notes: [join(dir, 'notes')],
        notesIndexPath: join(dir, 'index', 'notes.db'),
        http: { allowHosts: ['127.0.0.1'], timeoutMs: 1_000, maxBytes: 1_000 },
      },
      sandbox: { ...resolved.sandbox, mode: 'subprocess', timeoutMs: 20_000 },
    };
    context = {
      runId: 'run-1',
      stepId: 'coder',
      agentId: 'coder',
      idempotencyKey: 'run-1/coder#0',
      workspace: join(dir, 'workspace'),
      signal: new AbortController().signal,
    };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('gives every built-in tool under its name, described, zod-typed, marked builtin, built once', async () => {
    const builtins = createBuiltinTools({ config });
    for (const name of BUILTIN_TOOL_NAMES) {
      const tool = builtins.get(name);
      expect(tool.name).toBe(name);
      expect(tool.name).toMatch(TOOL_NAME_PATTERN);
      expect(tool.source).toBe('builtin');
      expect(tool.description.length).toBeGreaterThan(40);
      expect(tool.parameters).toHaveProperty('safeParse');
      expect(builtins.get(name)).toBe(tool);
    }
    const sideEffecting = BUILTIN_TOOL_NAMES.filter((name) => builtins.get(name).sideEffects === true);
    expect(sideEffecting).toEqual(['write_file', 'run_code']);
    expect(builtins.get('http_get').description).toContain('127.0.0.1');
    await builtins.close();
  });

  it('opens nothing until a tool is used, and closes the notes index (twice is harmless)', async () => {
    const builtins = createBuiltinTools({ config });
    expect(existsSync(config.tools.notesIndexPath)).toBe(false);
    const output = await builtins.get('search_notes').execute({ query: 'esbuild' }, context);
    expect(output).toContain('notes/a.md:1-1\nThe build uses esbuild.');
    expect(existsSync(config.tools.notesIndexPath)).toBe(true);
    await builtins.close();
    await builtins.close();
  });

  it('creates the sandbox with the factory it is given, on first use', async () => {
    const builtins = createBuiltinTools({ config, sandbox: () => createSandbox(config.sandbox) });
    const output = await builtins
      .get('run_code')
      .execute({ language: 'python', code: 'print(6 * 7)' }, context);
    expect(output).toMatch(/^exit code 0 \(\d+ ms, isolation: subprocess\)/);
    expect(output).toContain('--- stdout ---\n42');
  });

  it('answers that code cannot run when no sandbox was given', async () => {
    const builtins = createBuiltinTools({ config });
    await expect(
      builtins.get('run_code').execute({ language: 'python', code: 'print(1)' }, context),
    ).rejects.toMatchObject({ code: 'tool_failed', message: expect.stringMatching(/^No sandbox was given/) });
  });

  it('uses the sandbox it is given, with the limits from config.sandbox', async () => {
    const seen: unknown[] = [];
    const sandbox: Sandbox = {
      isolation: 'bubblewrap',
      async run(request) {
        seen.push(request.limits);
        return {
          exitCode: 0,
          signal: null,
          timedOut: false,
          stdout: 'from the given sandbox',
          stderr: '',
          outputTruncated: false,
          durationMs: 1,
          isolation: 'bubblewrap',
        };
      },
    };
    const builtins = createBuiltinTools({ config, sandbox });
    const output = await builtins.get('run_code').execute({ language: 'javascript', code: 'x' }, context);
    expect(output).toContain('from the given sandbox');
    const { mode: _mode, ...limits } = config.sandbox;
    expect(seen).toEqual([limits]);
  });
});
