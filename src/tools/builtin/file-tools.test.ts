import {
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMeshError } from '../../errors/index.js';
import type { ToolContext } from '../tool.js';
import { LIST_FILES_MAX_ENTRIES, listFilesTool } from './list-files-tool.js';
import { READ_FILE_MAX_BYTES, readFileTool } from './read-file-tool.js';
import { writeFileTool } from './write-file-tool.js';

let base: string;
let workspace: string;
let outside: string;
let context: ToolContext;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'agentmesh-file-tools-')));
  workspace = join(base, 'workspace');
  outside = join(base, 'outside');
  mkdirSync(join(workspace, 'src'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(workspace, 'src', 'app.py'), 'print("hello")\n');
  writeFileSync(join(workspace, 'README.md'), '# Demo\n');
  writeFileSync(join(outside, 'secret.txt'), 'top secret\n');
  context = {
    runId: 'run-1',
    stepId: 'coder',
    agentId: 'coder',
    idempotencyKey: 'run-1/coder#0',
    workspace,
    signal: new AbortController().signal,
  };
});
afterEach(() => rmSync(base, { recursive: true, force: true }));

async function failure(promise: Promise<unknown>): Promise<AgentMeshError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the call to fail').not.toBeNull();
  return error as AgentMeshError;
}

describe('read_file', () => {
  const tool = readFileTool();

  it('returns a workspace file as text', async () => {
    expect(await tool.execute({ path: 'src/app.py' }, context)).toBe('print("hello")\n');
    expect(await tool.execute({ path: join(workspace, 'README.md') }, context)).toBe('# Demo\n');
  });

  it('cuts at maxBytes without splitting a character, and says where to read on', async () => {
    writeFileSync(join(workspace, 'long.txt'), 'aé'.repeat(10)); // 30 bytes: é is 2
    // Byte 5 is the middle of the second é: the cut backs off to byte 4.
    const first = (await tool.execute({ path: 'long.txt', maxBytes: 5 }, context)) as string;
    expect(first).toBe('aéa\n[truncated: bytes 0-3 of 30 shown; call read_file with offset 4 to read on]');
    const rest = (await tool.execute({ path: 'long.txt', offset: 4 }, context)) as string;
    expect(`aéa${rest}`).toBe('aé'.repeat(10));
  });

  it('caps a read at its maximum even when no maxBytes is given', async () => {
    writeFileSync(join(workspace, 'big.txt'), 'x'.repeat(READ_FILE_MAX_BYTES + 10));
    const text = (await tool.execute({ path: 'big.txt' }, context)) as string;
    expect(text.startsWith('x'.repeat(READ_FILE_MAX_BYTES))).toBe(true);
    expect(text).toContain(`call read_file with offset ${READ_FILE_MAX_BYTES} to read on`);
    expect(tool.parameters).toHaveProperty('safeParse');
    const schema = tool.parameters as { safeParse(value: unknown): { success: boolean } };
    expect(schema.safeParse({ path: 'a', maxBytes: READ_FILE_MAX_BYTES + 1 }).success).toBe(false);
    expect(schema.safeParse({ offset: 1 }).success).toBe(false);
  });

  it('refuses ../, absolute paths outside, and symlinks (file and directory) pointing outside', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    symlinkSync(outside, join(workspace, 'linkdir'));
    for (const path of [
      '../outside/secret.txt',
      join(outside, 'secret.txt'),
      'link.txt',
      'linkdir/secret.txt',
    ]) {
      const error = await failure(tool.execute({ path }, context));
      expect(error.code).toBe('tool_refused');
      expect(error.message).not.toContain('top secret');
    }
  });

  it('explains a missing file, a directory, a binary file and an empty file', async () => {
    expect((await failure(tool.execute({ path: 'nope.txt' }, context))).code).toBe('tool_failed');
    const directory = await failure(tool.execute({ path: 'src' }, context));
    expect(directory.message).toBe('"src" is a directory; call list_files with path "src" to see inside.');
    writeFileSync(join(workspace, 'blob.bin'), Buffer.from([1, 0, 2, 3]));
    expect(await tool.execute({ path: 'blob.bin' }, context)).toContain('binary file (4 bytes)');
    writeFileSync(join(workspace, 'empty.txt'), '');
    expect(await tool.execute({ path: 'empty.txt' }, context)).toBe('"empty.txt" is empty (0 bytes).');
    const past = await failure(tool.execute({ path: 'README.md', offset: 100 }, context));
    expect(past.message).toContain('past the end');
  });
});

describe('list_files', () => {
  const tool = listFilesTool();

  it('lists the root, a subdirectory, and everything below with recursive', async () => {
    expect(await tool.execute({}, context)).toBe('workspace root:\nREADME.md (7 bytes)\nsrc/');
    expect(await tool.execute({ path: 'src' }, context)).toBe('"src":\nsrc/app.py (15 bytes)');
    mkdirSync(join(workspace, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(workspace, 'node_modules', 'pkg', 'index.js'), '');
    expect(await tool.execute({ recursive: true }, context)).toBe(
      'workspace root:\nREADME.md (7 bytes)\nnode_modules/\nsrc/\nsrc/app.py (15 bytes)',
    );
  });

  it('marks links and never walks a link to a folder outside', async () => {
    symlinkSync(outside, join(workspace, 'out'));
    const listing = (await tool.execute({ recursive: true }, context)) as string;
    expect(listing).toContain('out@');
    expect(listing).not.toContain('secret.txt');
    expect((await failure(tool.execute({ path: 'out' }, context))).code).toBe('tool_refused');
    expect((await failure(tool.execute({ path: '..' }, context))).code).toBe('tool_refused');
  });

  it('caps the entries and says so', async () => {
    mkdirSync(join(workspace, 'many'));
    for (let i = 0; i < LIST_FILES_MAX_ENTRIES + 5; i++) writeFileSync(join(workspace, 'many', `f${i}`), '');
    const lines = ((await tool.execute({ path: 'many' }, context)) as string).split('\n');
    expect(lines).toHaveLength(LIST_FILES_MAX_ENTRIES + 2);
    expect(lines.at(-1)).toContain('more entries not shown');
  });

  it('says an empty folder is empty and a file is not a folder', async () => {
    mkdirSync(join(workspace, 'empty'));
    expect(await tool.execute({ path: 'empty' }, context)).toBe('"empty": (empty)');
    const error = await failure(tool.execute({ path: 'README.md' }, context));
    expect(error.message).toContain('call read_file');
  });
});

describe('write_file', () => {
  const tool = writeFileTool();

  it('creates a file with its missing folders, then replaces it keeping its mode', async () => {
    expect(await tool.execute({ path: 'pkg/deep/mod.py', content: 'x = 1\n' }, context)).toBe(
      'Created "pkg/deep/mod.py" (6 bytes).',
    );
    expect(readFileSync(join(workspace, 'pkg', 'deep', 'mod.py'), 'utf8')).toBe('x = 1\n');
    const script = join(workspace, 'run.sh');
    writeFileSync(script, 'old', { mode: 0o755 });
    expect(await tool.execute({ path: 'run.sh', content: 'échec' }, context)).toBe(
      'Replaced "run.sh" (6 bytes).',
    );
    expect(readFileSync(script, 'utf8')).toBe('échec');
    expect(statSync(script).mode & 0o777).toBe(0o755);
    expect(readdirSync(workspace).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses ../, absolute paths outside, and symlinks (file and directory) pointing outside', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'link.txt'));
    symlinkSync(outside, join(workspace, 'linkdir'));
    symlinkSync(join(outside, 'created-by-link.txt'), join(workspace, 'dangling.txt'));
    const escapes = [
      '../outside/new.txt',
      join(outside, 'new.txt'),
      'link.txt',
      'linkdir/new.txt',
      'linkdir/secret.txt',
      'dangling.txt',
    ];
    for (const path of escapes) {
      const error = await failure(tool.execute({ path, content: 'pwned' }, context));
      expect(error.code).toBe('tool_refused');
    }
    expect(readdirSync(outside)).toEqual(['secret.txt']);
    expect(readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe('top secret\n');
  });

  it('writes through a link that stays inside, keeping the link', async () => {
    symlinkSync('src/app.py', join(workspace, 'app-link.py'));
    await tool.execute({ path: 'app-link.py', content: 'print(2)\n' }, context);
    expect(lstatSync(join(workspace, 'app-link.py')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(workspace, 'src', 'app.py'), 'utf8')).toBe('print(2)\n');
  });

  it('fails clearly on a directory, and on a file standing where a folder is needed', async () => {
    expect((await failure(tool.execute({ path: 'src', content: '' }, context))).message).toContain(
      'directory',
    );
    const error = await failure(tool.execute({ path: 'README.md/inner.txt', content: '' }, context));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toMatch(/^Cannot write "README.md\/inner.txt": /);
    expect(error.message).not.toContain(base);
  });
});
