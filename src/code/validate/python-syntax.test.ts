import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BundleFile } from '../bundle.js';
import { checkPythonSyntax } from './python-syntax.js';

const dir = mkdtempSync(join(tmpdir(), 'agentmesh-python-syntax-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A stand-in interpreter: a shell script that ignores its arguments. */
function fakePython(name: string, body: string): string {
  const path = join(dir, name);
  writeFileSync(path, `#!/bin/sh\n${body}\n`);
  chmodSync(path, 0o755);
  return path;
}

const files: BundleFile[] = [{ path: 'a.py', language: 'python', content: 'x = (\n', stepId: 's' }];

describe('checkPythonSyntax', () => {
  it('checks many files in one call, reporting each broken one', async () => {
    const many = Array.from({ length: 40 }, (_, index) => ({
      path: `pkg/m${index}.py`,
      language: 'python',
      content: index % 10 === 0 ? 'def f(:\n' : `VALUE_${index} = ${index}\n`,
      stepId: 's',
    }));
    const result = await checkPythonSyntax(many);
    expect(result.skipped).toBeUndefined();
    expect(result.issues.map((issue) => [issue.path, issue.line])).toEqual([
      ['pkg/m0.py', 1],
      ['pkg/m10.py', 1],
      ['pkg/m20.py', 1],
      ['pkg/m30.py', 1],
    ]);
  });

  it('reports a checker that fails as skipped, with the last line it printed', async () => {
    const python = fakePython('broken', 'echo "pyenv: python3: command not found" >&2\nexit 127');
    expect(await checkPythonSyntax(files, { python })).toEqual({
      issues: [],
      skipped: expect.stringMatching(
        /exited with 127: pyenv: python3: command not found, Python not checked$/,
      ),
    });
  });

  it('reports unreadable checker output as skipped', async () => {
    const python = fakePython('chatty', 'echo "Python 2.7 says hello"');
    expect((await checkPythonSyntax(files, { python })).skipped).toMatch(/unreadable output/);
  });

  it('kills a checker that hangs and reports it as skipped', async () => {
    const python = fakePython('hangs', 'exec sleep 60');
    const result = await checkPythonSyntax(files, { python, timeoutMs: 200 });
    expect(result.skipped).toMatch(/was killed \(SIGKILL\) after 200 ms/);
  });

  it('kills the checker and rejects with a cancelled error when the signal aborts', async () => {
    const python = fakePython('slow', 'exec sleep 60');
    const controller = new AbortController();
    const check = checkPythonSyntax(files, { python, signal: controller.signal });
    controller.abort();
    await expect(check).rejects.toMatchObject({ code: 'cancelled' });
  });
});
