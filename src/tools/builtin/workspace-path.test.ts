import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMeshError } from '../../errors/index.js';
import { resolveForRead, resolveForWrite } from './workspace-path.js';

describe('workspace confinement', () => {
  let base: string;
  let workspace: string;
  let outside: string;

  beforeEach(() => {
    base = realpathSync(mkdtempSync(join(tmpdir(), 'agentmesh-ws-')));
    workspace = join(base, 'workspace');
    outside = join(base, 'outside');
    mkdirSync(join(workspace, 'src'), { recursive: true });
    mkdirSync(outside);
    writeFileSync(join(workspace, 'src', 'app.py'), 'print(1)\n');
    writeFileSync(join(outside, 'secret.txt'), 'top secret\n');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  const refusal = async (promise: Promise<unknown>) => {
    const error = (await promise.then(
      () => null,
      (caught: unknown) => caught,
    )) as AgentMeshError | null;
    expect(error, 'expected a refusal').not.toBeNull();
    return error!;
  };

  it('resolves relative and inside-absolute paths to their real location', async () => {
    expect(await resolveForRead(workspace, 'src/app.py')).toEqual({
      real: join(workspace, 'src', 'app.py'),
      shown: 'src/app.py',
    });
    expect((await resolveForRead(workspace, join(workspace, 'src'))).shown).toBe('src');
    expect((await resolveForRead(workspace, 'src/../src/./app.py')).shown).toBe('src/app.py');
    expect((await resolveForRead(workspace, '')).shown).toBe('.');
  });

  it.each(['../outside/secret.txt', 'src/../../outside/secret.txt', '..'])(
    'refuses the escape %s',
    async (path) => {
      for (const resolveFor of [resolveForRead, resolveForWrite]) {
        const error = await refusal(resolveFor(workspace, path));
        expect(error.code).toBe('tool_refused');
        expect(error.message).toContain('".."');
      }
    },
  );

  it('refuses absolute paths outside the workspace, for reading and writing', async () => {
    for (const resolveFor of [resolveForRead, resolveForWrite]) {
      for (const path of [join(outside, 'secret.txt'), '/etc/passwd', join(outside, 'new.txt')]) {
        const error = await refusal(resolveFor(workspace, path));
        expect(error.code).toBe('tool_refused');
        expect(error.message).toContain('absolute path outside the workspace');
      }
    }
  });

  it('refuses a file symlink and a directory symlink pointing outside', async () => {
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'secret-link.txt'));
    symlinkSync(outside, join(workspace, 'outdir'));
    for (const path of ['secret-link.txt', 'outdir', 'outdir/secret.txt', 'outdir/new.txt']) {
      for (const resolveFor of [resolveForRead, resolveForWrite]) {
        const error = await refusal(resolveFor(workspace, path));
        expect(error.code).toBe('tool_refused');
        expect(error.message).toContain('symbolic link');
      }
    }
  });

  it('refuses a dangling link pointing outside instead of calling it missing', async () => {
    symlinkSync(join(outside, 'not-yet.txt'), join(workspace, 'dangling.txt'));
    symlinkSync(join(outside, 'no-dir'), join(workspace, 'dangling-dir'));
    for (const path of ['dangling.txt', 'dangling-dir/x.txt']) {
      expect((await refusal(resolveForRead(workspace, path))).code).toBe('tool_refused');
      expect((await refusal(resolveForWrite(workspace, path))).code).toBe('tool_refused');
    }
  });

  it('follows links that stay inside, and writes land on their target', async () => {
    symlinkSync(join(workspace, 'src'), join(workspace, 'code'));
    symlinkSync('src/app.py', join(workspace, 'app-link.py'));
    expect((await resolveForRead(workspace, 'code/app.py')).real).toBe(join(workspace, 'src', 'app.py'));
    expect((await resolveForWrite(workspace, 'app-link.py')).real).toBe(join(workspace, 'src', 'app.py'));
    expect((await resolveForWrite(workspace, 'code/new/deep.txt')).real).toBe(
      join(workspace, 'src', 'new', 'deep.txt'),
    );
  });

  it('confines to the real workspace when the workspace path itself is a link', async () => {
    const alias = join(base, 'alias');
    symlinkSync(workspace, alias);
    expect((await resolveForRead(alias, 'src/app.py')).real).toBe(join(workspace, 'src', 'app.py'));
    expect((await resolveForRead(alias, join(alias, 'src', 'app.py'))).shown).toBe('src/app.py');
    expect((await refusal(resolveForRead(alias, '../outside/secret.txt'))).code).toBe('tool_refused');
  });

  it('says a missing file is missing (tool_failed) and points to list_files', async () => {
    const error = await refusal(resolveForRead(workspace, 'src/nope.py'));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toBe(
      'Nothing at "src/nope.py" in the workspace; call list_files to see what exists.',
    );
  });

  it('says so when the workspace itself is gone', async () => {
    rmSync(workspace, { recursive: true });
    for (const resolveFor of [resolveForRead, resolveForWrite]) {
      const error = await refusal(resolveFor(workspace, 'a.txt'));
      expect(error.code).toBe('tool_failed');
      expect(error.message).toContain('workspace directory no longer exists');
    }
  });

  it('refuses a loop of links without hanging', async () => {
    symlinkSync(join(workspace, 'b'), join(workspace, 'a'));
    symlinkSync(join(workspace, 'a'), join(workspace, 'b'));
    for (const resolveFor of [resolveForRead, resolveForWrite]) {
      const error = await refusal(resolveFor(workspace, 'a'));
      expect(error.code).toBe('tool_refused');
      expect(error.message).toContain('loop of symbolic links');
    }
  });
});
