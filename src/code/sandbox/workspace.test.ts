import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SubprocessSandbox } from './subprocess-sandbox.js';
import { confinedPath, createWorkspace, removeWorkspace } from './workspace.js';

const limits = { timeoutMs: 10_000, cpuSeconds: 10, memoryMb: 256, maxProcesses: 32, maxOutputBytes: 65_536 };

describe('confinedPath', () => {
  it('keeps relative paths inside the workspace', () => {
    expect(confinedPath('/w', 'src/a.py')).toBe('/w/src/a.py');
  });

  it.each(['../x', 'a/../../x', '/etc/passwd', 'a\\..\\x', '', 'a\0b', 'a/..'])('refuses %j', (path) => {
    expect(() => confinedPath('/w', path)).toThrow(/Refused to write/);
  });
});

describe('createWorkspace', () => {
  it('writes the files and is gone after removeWorkspace', async () => {
    const workspace = await createWorkspace({ files: [{ path: 'pkg/a.py', content: 'x = 1\n' }] });
    expect(await readFile(join(workspace.dir, 'pkg/a.py'), 'utf8')).toBe('x = 1\n');
    await removeWorkspace(workspace.root);
    expect(existsSync(workspace.root)).toBe(false);
  });

  it('refuses an escaping path and leaves nothing behind', async () => {
    await expect(createWorkspace({ files: [{ path: '../escape.py', content: '' }] })).rejects.toThrow(
      /'\.\.'/,
    );
  });
});

describe('sandbox workspaces', () => {
  it('are deleted after the run, even when the code locked itself out (chmod 000)', async () => {
    const sandbox = new SubprocessSandbox({ keepWorkspace: true });
    const lockOut = 'import os\nos.makedirs("d/e")\nos.chmod("d", 0)\nprint(os.getcwd())\n';
    const kept = await sandbox.run({
      files: [{ path: 'x.py', content: lockOut }],
      command: ['python3', 'x.py'],
      limits,
    });
    expect(kept.workspace).toBe(kept.stdout.trim());
    await removeWorkspace(join(kept.workspace!, '..'));
    expect(existsSync(kept.workspace!)).toBe(false);

    const result = await new SubprocessSandbox().run({ files: [], command: ['pwd'], limits });
    expect(result.workspace).toBeUndefined();
    expect(existsSync(result.stdout.trim())).toBe(false);
  });

  it('stop the run and throw `cancelled` when the signal aborts', async () => {
    const controller = new AbortController();
    const run = new SubprocessSandbox().run({
      files: [],
      command: ['sleep', '30'],
      limits,
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 50);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
  });
});
