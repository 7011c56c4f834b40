import { describe, expect, it } from 'vitest';
import { extractCodeBlocks, safeRelativePath } from './extract-code-blocks.js';

describe('extractCodeBlocks', () => {
  it('reads language and a "# file:" first line, and strips that line', () => {
    const text = 'Here:\n```python\n# file: src/app.py\nprint(1)\n```\n';
    expect(extractCodeBlocks(text)).toEqual([
      { language: 'python', fileName: 'src/app.py', code: 'print(1)\n' },
    ]);
  });

  it('reads a file name from the info string', () => {
    const text = '```ts file=lib/a.ts\nexport {};\n```\n\n```js b.js\nx\n```';
    expect(extractCodeBlocks(text).map((b) => b.fileName)).toEqual(['lib/a.ts', 'b.js']);
  });

  it('keeps blocks without a file name and ignores unterminated fences', () => {
    const text = '```\nplain\n```\n```python\nnever closed';
    expect(extractCodeBlocks(text)).toEqual([{ language: '', fileName: null, code: 'plain\n' }]);
  });

  it('refuses paths that escape the folder', () => {
    expect(safeRelativePath('../etc/passwd')).toBeNull();
    expect(safeRelativePath('/etc/passwd')).toBeNull();
    expect(safeRelativePath('./a/../b.py')).toBe('b.py');
  });
});
