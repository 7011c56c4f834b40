import { describe, expect, it } from 'vitest';
import type { BundleFile, CodeBundle } from '../bundle.js';
import { validateBundle, validateBundleReport } from './validate-bundle.js';

const bundleOf = (files: Record<string, string>): CodeBundle =>
  new Map(
    Object.entries(files).map(([path, content]): [string, BundleFile] => [
      path,
      { path, language: 'text', content, stepId: 'coder-1' },
    ]),
  );

describe('validateBundle', () => {
  it('passes good files of every checked language, with imports that do not exist', async () => {
    const bundle = bundleOf({
      'src/app.py': 'import no_such_module\n\n\ndef f(x: int) -> int:\n    return x + 1\n',
      'src/index.ts': "import { x } from './missing.js';\nexport const y: number = x;\n",
      'src/view.tsx': 'export const V = () => <div className="a">{1}</div>;\n',
      'lib/a.js': "const fs = require('node:fs');\nmodule.exports = { fs };\n",
      'lib/b.mjs': 'export default async function* g() { yield await 1; }\n',
      'package.json': '{\n  "name": "demo",\n  "type": "module"\n}\n',
      'tsconfig.json': '{\n  // comments are fine here\n  "compilerOptions": {},\n}\n',
      'ci.yml': 'on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n---\nsecond: doc\n',
      'notes.txt': 'not checked: {[(',
    });
    expect(await validateBundleReport(bundle)).toEqual({ issues: [], skipped: [] });
  });

  it('reports each broken file with its line, column and message', async () => {
    const bundle = bundleOf({
      'src/bad.py': 'def f():\n    return (1\n\nx = 2\n',
      'src/indent.py': 'def f():\nreturn 1\n',
      'src/ret.py': 'x = 1\nreturn x\n',
      'src/a.ts': 'export function f(a: number) {\n  return a +;\n}\n',
      'src/b.js': 'const a: number = 1;\n',
      'src/c.mjs': 'export const a = {\n  b: 1,\n  c 2,\n};\n',
      'd.json': '{\n  "a": 1,\n  "b": }\n',
      'e.json': '{\n  "a": 1,\n}\n',
      'g.yml': 'a: 1\nb:\n  c: 2\na: 3\n',
      'h.yaml': 'name: ci\nenv: mode: fast\n',
    });
    const issues = await validateBundle(bundle);
    const firstPerFile = new Map<string, unknown>();
    for (const { path, line, column, message } of issues) {
      if (!firstPerFile.has(path)) firstPerFile.set(path, [line, column, message]);
    }
    expect(Object.fromEntries(firstPerFile)).toEqual({
      'd.json': [3, 8, "Unexpected token '}'"],
      'e.json': [3, 1, 'Expected double-quoted property name'],
      'g.yml': [4, 1, 'Map keys must be unique'],
      'h.yaml': [2, 6, 'Nested mappings are not allowed in compact mappings'],
      'src/a.ts': [2, 13, 'Expression expected.'],
      'src/b.js': [1, 10, 'Type annotations can only be used in TypeScript files.'],
      'src/bad.py': [2, 12, "SyntaxError: '(' was never closed"],
      'src/c.mjs': [3, 5, "',' expected."],
      'src/indent.py': [2, 1, expect.stringMatching(/^IndentationError: expected an indented block/)],
      'src/ret.py': [2, 1, "SyntaxError: 'return' outside function"],
    });
    // Sorted by path, then position.
    expect(issues.map((issue) => issue.path)).toEqual([...issues.map((issue) => issue.path)].sort());
  });

  it('checks Python without running or importing it', async () => {
    const bundle = bundleOf({
      'boom.py': 'import os\nos.makedirs("/tmp/agentmesh-validate-must-not-exist")\nraise SystemExit(3)\n',
    });
    expect(await validateBundle(bundle)).toEqual([]);
    const { existsSync } = await import('node:fs');
    expect(existsSync('/tmp/agentmesh-validate-must-not-exist')).toBe(false);
  });

  it('reads non-ASCII Python source as UTF-8', async () => {
    const bundle = bundleOf({ 'u.py': 'name = "Zoë ✓"\nprint(name\n' });
    expect(await validateBundle(bundle)).toEqual([
      { path: 'u.py', line: 2, column: 6, message: "SyntaxError: '(' was never closed" },
    ]);
  });

  it('skips Python, and says so, when the interpreter is missing, still checking the rest', async () => {
    const bundle = bundleOf({ 'bad.py': 'def (:\n', 'a.json': '{' });
    const report = await validateBundleReport(bundle, { python: '/nonexistent/python3' });
    expect(report.issues.map((issue) => issue.path)).toEqual(['a.json']);
    expect(report.skipped).toEqual([
      {
        language: 'python',
        paths: ['bad.py'],
        reason: expect.stringContaining('/nonexistent/python3 not found'),
      },
    ]);
    expect(await validateBundle(bundle, { python: '/nonexistent/python3' })).toEqual(report.issues);
  });

  it('rejects with a cancelled error when the signal has aborted', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      validateBundle(bundleOf({ 'a.py': 'x = 1\n' }), { signal: controller.signal }),
    ).rejects.toMatchObject({
      code: 'cancelled',
    });
  });

  it('validates an empty bundle without starting anything', async () => {
    expect(await validateBundleReport(new Map(), { python: '/nonexistent/python3' })).toEqual({
      issues: [],
      skipped: [],
    });
  });
});
