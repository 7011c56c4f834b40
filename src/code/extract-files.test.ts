import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { extractFiles, isTestPath, nameAbove } from './extract-files.js';

const fixture = (name: string) =>
  readFileSync(new URL(`../../test/fixtures/code-answers/${name}`, import.meta.url), 'utf8');

const summary = (markdown: string) =>
  extractFiles(markdown, 'coder-1').files.map((file) => [file.path, file.language]);

describe('extractFiles over realistic answers', () => {
  it('names files from headings, bold labels and a Markdown block with nested fences (DeepSeek style)', () => {
    const { files, rejected } = extractFiles(fixture('deepseek-headings.md'), 'coder-1');
    expect(files.map((file) => [file.path, file.language])).toEqual([
      ['src/__init__.py', 'python'],
      ['src/parser.py', 'python'],
      ['tests/test_parser.py', 'python'],
      ['requirements.txt', 'text'],
      ['README.md', 'markdown'],
    ]);
    expect(rejected).toEqual([]);
    const byPath = new Map(files.map((file) => [file.path, file]));
    expect(byPath.get('src/__init__.py')!.content).toBe('');
    expect(byPath.get('src/parser.py')!.content).toMatch(/^"""Parse CSV text[\s\S]*return mean\(values\)\n$/);
    expect(byPath.get('requirements.txt')!.content).toBe('pytest>=8.0\n');
    expect(byPath.get('README.md')!.content).toContain('```bash\npython -c');
    expect(byPath.get('README.md')!.content).toMatch(/Run `pytest -q`\.\n$/);
    expect(files.every((file) => file.stepId === 'coder-1')).toBe(true);
  });

  it('names files from info strings and first-line comments, and leaves shell, output and examples out (GPT style)', () => {
    const { files } = extractFiles(fixture('gpt-info-strings.md'), 'coder-1');
    expect(files.map((file) => [file.path, file.language])).toEqual([
      ['app/main.py', 'python'],
      ['app/cli.py', 'python'],
      ['src/index.ts', 'typescript'],
      ['src/util.ts', 'typescript'],
      ['scripts/build.js', 'javascript'],
      ['public/index.html', 'html'],
      ['package.json', 'json'],
      ['.github/workflows/ci.yml', 'yaml'],
      ['README.md', 'markdown'],
    ]);
    const byPath = new Map(files.map((file) => [file.path, file.content]));
    expect(byPath.get('scripts/build.js')).toMatch(/^import \{ execSync \}/);
    expect(byPath.get('public/index.html')).toMatch(/^<!doctype html>/);
    expect(byPath.get('README.md')).toBe("# demo\n\n```ts\nimport { title } from './src/index.js';\n```\n");
  });

  it('rejects escaping and absolute paths and diffs, and recovers unclosed fences', () => {
    const { files, rejected } = extractFiles(fixture('malformed.md'), 'coder-2');
    expect(rejected).toEqual([
      { path: '../outside.py', reason: expect.stringContaining("'..'"), stepId: 'coder-2' },
      { path: '/etc/cron.d/job.py', reason: expect.stringContaining('absolute'), stepId: 'coder-2' },
      { path: 'C:\\Users\\me\\evil.py', reason: expect.stringContaining('absolute'), stepId: 'coder-2' },
      { path: 'src/ok.py', reason: expect.stringContaining('diff'), stepId: 'coder-2' },
    ]);
    expect(files.map((file) => file.path)).toEqual([
      'src/ok.py',
      'src/half.py',
      'tests/test_half.py',
      'src/last.py',
    ]);
    const byPath = new Map(files.map((file) => [file.path, file.content]));
    expect(byPath.get('src/ok.py')).toBe('OK = True\n');
    // The unclosed block keeps the prose the model wrote before the next fence; validation reports it.
    expect(byPath.get('src/half.py')).toContain('Now the tests, which I forgot to separate:');
    expect(byPath.get('tests/test_half.py')).toMatch(/^from src\.half import half/);
    expect(byPath.get('src/last.py')).toBe('def last(items):\n    return items[-1]\n');
  });

  it('gives unnamed source blocks default names when the answer names no file', () => {
    const { files } = extractFiles(fixture('unnamed-blocks.md'), 'coder-1');
    expect(files.map((file) => [file.path, file.language])).toEqual([
      ['main.py', 'python'],
      ['test_main.py', 'python'],
      ['snippet_3.py', 'python'],
    ]);
    expect(files[1]!.content).toMatch(/^import unittest/);
  });

  it('does not make a file of a REPL or terminal transcript in a source fence', () => {
    expect(summary('```python\n>>> 1 + 1\n2\n```\n```js\n$ node a.js\n```')).toEqual([]);
  });

  it('uses default names for JavaScript and TypeScript tests too', () => {
    const text =
      "```ts\nexport const a = 1;\n```\n```js\nimport test from 'node:test';\ntest('x', () => {});\n```";
    expect(summary(text)).toEqual([
      ['main.ts', 'typescript'],
      ['main.test.js', 'javascript'],
    ]);
  });

  it('ignores unnamed blocks once the answer names a file', () => {
    expect(summary('```python\nprint(1)\n```\n\n```python file=a.py\nx = 1\n```\n')).toEqual([
      ['a.py', 'python'],
    ]);
  });

  it('keeps the last content of a path written twice in one answer, at its first position', () => {
    const text = '```python a.py\nv = 1\n```\n```python b.py\n```\n```python a.py\nv = 2\n```';
    const { files } = extractFiles(text, 's');
    expect(files.map((file) => [file.path, file.content])).toEqual([
      ['a.py', 'v = 2\n'],
      ['b.py', ''],
    ]);
  });

  it('never throws on fence soup', () => {
    const soups = [
      '```',
      '````\n```\n',
      '~~~~\n~~~',
      '```python\n```js\n```ts\n',
      '\n\n```\u0000\n```',
      '``` ``` ```',
    ];
    for (const soup of soups) expect(() => extractFiles(soup, 's')).not.toThrow();
  });
});

describe('nameAbove', () => {
  it.each([
    ['### `src/parser.py`', 'src/parser.py'],
    ['### 2. `src/parser.py` (the parser)', 'src/parser.py'],
    ['## File: src/app.py', 'src/app.py'],
    ['### src/app.py — entry point', 'src/app.py'],
    ['**tests/test_parser.py**:', 'tests/test_parser.py'],
    ['**`tests/test_parser.py`**', 'tests/test_parser.py'],
    ['- **File:** `x.py`', 'x.py'],
    ['File: x.py', 'x.py'],
    ['`Dockerfile`:', 'Dockerfile'],
    ['Save this as `app.py`:', 'app.py'],
    ['Here is the fixed version of `src/calc.py`:', 'src/calc.py'],
    ['### Implementation\n\nThe parser handles quotes.', null],
    ['### `src/a.py`\n\nIt parses input and handles\nquoted fields.', 'src/a.py'],
    ['Then add this to `app.py`:', null],
    ['Run `pytest tests/test_x.py`:', null],
    ['### Node.js implementation', null],
    ['Python 3.11 is required:', null],
    ['', null],
  ])('%j names %j', (text, expected) => {
    expect(nameAbove(text)).toBe(expected);
  });
});

describe('isTestPath', () => {
  it.each([
    ['tests/test_app.py', true],
    ['test_app.py', true],
    ['app_test.py', true],
    ['src/__tests__/a.ts', true],
    ['src/a.test.ts', true],
    ['a.spec.mjs', true],
    ['src/app.py', false],
    ['src/contest.py', false],
    ['latest.ts', false],
  ])('%j -> %j', (path, expected) => {
    expect(isTestPath(path)).toBe(expected);
  });
});
