import { describe, expect, it } from 'vitest';
import { extractCodeBlocks, safeRelativePath } from './extract-code-blocks.js';

const names = (text: string) => extractCodeBlocks(text).map((block) => block.fileName);

describe('extractCodeBlocks', () => {
  it('reads language and a "# file:" first line, and strips that line', () => {
    const text = 'Here:\n```python\n# file: src/app.py\nprint(1)\n```\n';
    expect(extractCodeBlocks(text)).toEqual([
      {
        language: 'python',
        fileName: 'src/app.py',
        declaredName: 'src/app.py',
        code: 'print(1)\n',
        line: 2,
        closed: true,
        textBefore: 'Here:',
      },
    ]);
  });

  it('reads a file name from every info-string form', () => {
    const text = [
      '```ts file=lib/a.ts\nexport {};\n```',
      '```js b.js\nx\n```',
      '```python title="src/app.py"\nx\n```',
      '```python:src/colon.py\nx\n```',
      '```src/only.py\nx\n```',
      "```{.python filename='braces.py'}\nx\n```",
    ].join('\n\n');
    expect(names(text)).toEqual([
      'lib/a.ts',
      'b.js',
      'src/app.py',
      'src/colon.py',
      'src/only.py',
      'braces.py',
    ]);
    expect(extractCodeBlocks(text).map((block) => block.language)).toEqual([
      'ts',
      'js',
      'python',
      'python',
      '',
      'python',
    ]);
  });

  it('reads // file:, <!-- file: --> and a bare path comment as the first line', () => {
    const text = [
      '```js\n// file: src/a.js\nx\n```',
      '```html\n<!-- file: index.html -->\n<p></p>\n```',
      '```python\n# app/main.py\nx\n```',
      '```python\n#!/usr/bin/env python3\nx\n```',
    ].join('\n');
    const blocks = extractCodeBlocks(text);
    expect(blocks.map((block) => block.fileName)).toEqual(['src/a.js', 'index.html', 'app/main.py', null]);
    expect(blocks[1]!.code).toBe('<p></p>\n');
    expect(blocks[3]!.code).toBe('#!/usr/bin/env python3\nx\n');
  });

  it('handles ~~~ fences, longer fences and shorter fences nested inside them', () => {
    const text = '````markdown\n# Doc\n```python\nx\n```\n````\n~~~\n```\n~~~\n';
    expect(extractCodeBlocks(text).map((block) => block.code)).toEqual([
      '# Doc\n```python\nx\n```\n',
      '```\n',
    ]);
  });

  it('treats a same-length fence with a language inside a Markdown block as a nested example', () => {
    const text = '**README.md**\n```\n# App\n```bash\npip install .\n```\nDone.\n```\n```python\nx\n```';
    const [readme, python] = extractCodeBlocks(text);
    expect(readme!.code).toBe('# App\n```bash\npip install .\n```\nDone.\n');
    expect(python!.language).toBe('python');
  });

  it('runs an unclosed last fence to the end of the text', () => {
    const text = '```\nplain\n```\n```python\nnever closed\n\n';
    expect(extractCodeBlocks(text).map((block) => [block.code, block.closed])).toEqual([
      ['plain\n', true],
      ['never closed\n', false],
    ]);
  });

  it('starts a new block when a fence with a language opens inside an unclosed block', () => {
    const text = '```python\na = 1\n\nNow the tests:\n```python\nb = 2\n```\n';
    expect(extractCodeBlocks(text).map((block) => [block.code, block.closed])).toEqual([
      ['a = 1\n\nNow the tests:\n', false],
      ['b = 2\n', true],
    ]);
  });

  it('dedents blocks nested in list items and accepts CRLF line ends', () => {
    const text = '1. Code:\r\n   ```python\r\n   def f():\r\n       return 1\r\n   ```\r\n';
    expect(extractCodeBlocks(text)[0]!.code).toBe('def f():\n    return 1\n');
  });

  it('ignores inline triple backticks and text without fences', () => {
    expect(extractCodeBlocks('Use ```code``` inline.\nNo fences here.')).toEqual([]);
  });

  it('keeps an unsafe declared name but gives no file name for it', () => {
    const [block] = extractCodeBlocks('```python file=../../etc/x.py\nx\n```');
    expect(block).toMatchObject({ fileName: null, declaredName: '../../etc/x.py' });
  });

  it('refuses paths that escape the folder', () => {
    expect(safeRelativePath('../etc/passwd')).toBeNull();
    expect(safeRelativePath('/etc/passwd')).toBeNull();
    expect(safeRelativePath('./a/../b.py')).toBe('b.py');
  });
});
