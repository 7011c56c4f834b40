import { describe, expect, it } from 'vitest';
import { formatValidationFeedback } from './format-validation-feedback.js';

describe('formatValidationFeedback', () => {
  it('writes one path:line:col: message line per issue, leaving out positions it lacks', () => {
    const text = formatValidationFeedback([
      { path: 'src/a.py', line: 2, column: 12, message: "SyntaxError: '(' was never closed" },
      { path: 'b.json', line: 3, message: 'Unexpected token\n  here' },
      { path: 'c.py', message: 'ValueError: source code string cannot contain null bytes' },
    ]);
    expect(text).toBe(
      [
        "src/a.py:2:12: SyntaxError: '(' was never closed",
        'b.json:3: Unexpected token here',
        'c.py: ValueError: source code string cannot contain null bytes',
      ].join('\n'),
    );
  });

  it('is empty when there are no issues', () => {
    expect(formatValidationFeedback([])).toBe('');
  });

  it('caps the number of issues and says how many were left out', () => {
    const issues = Array.from({ length: 50 }, (_, index) => ({
      path: 'a.ts',
      line: index + 1,
      column: 1,
      message: 'x',
    }));
    const lines = formatValidationFeedback(issues, { maxIssues: 3 }).split('\n');
    expect(lines).toEqual(['a.ts:1:1: x', 'a.ts:2:1: x', 'a.ts:3:1: x', '… 47 more issues not shown']);
  });

  it('stays within the character limit, long messages included', () => {
    const issues = Array.from({ length: 100 }, (_, index) => ({
      path: `src/file_${index}.py`,
      line: 1,
      column: 1,
      message: 'm'.repeat(1000),
    }));
    const text = formatValidationFeedback(issues, { maxChars: 1000 });
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text).toMatch(/… \d+ more issues not shown$/);
    expect(text.split('\n')[0]!.length).toBeLessThan(300);
  });
});
