import { describe, expect, it } from 'vitest';
import { parseNodeTestCounts, parsePytestCounts, parseUnittestCounts } from './parse-test-counts.js';

describe('parsePytestCounts', () => {
  it('reads the -q summary line', () => {
    expect(
      parsePytestCounts('..F.E\n=== short test summary info ===\n1 failed, 3 passed, 1 error in 0.12s\n'),
    ).toEqual({
      passed: 3,
      failed: 1,
      errors: 1,
    });
  });

  it('reads a framed summary with plural errors, and only the last one', () => {
    const output = 'print("2 passed in 0.01s")\n========= 2 failed, 5 passed, 2 errors in 1.05s =========\n';
    expect(parsePytestCounts(output)).toEqual({ passed: 5, failed: 2, errors: 2 });
  });

  it('reads "no tests ran" as zero, and no summary as null', () => {
    expect(parsePytestCounts('no tests ran in 0.01s\n')).toEqual({ passed: 0, failed: 0, errors: 0 });
    expect(parsePytestCounts('ImportError while loading conftest\n')).toBeNull();
  });
});

describe('parseUnittestCounts', () => {
  it('subtracts failures, errors and skips from the tests ran', () => {
    const output = 'test_a ... ok\n---\nRan 7 tests in 0.003s\n\nFAILED (failures=2, errors=1, skipped=1)\n';
    expect(parseUnittestCounts(output)).toEqual({ passed: 3, failed: 2, errors: 1 });
  });

  it('reads OK with skips, and no "Ran" line as null', () => {
    expect(parseUnittestCounts('Ran 3 tests in 0.001s\n\nOK (skipped=1)\n')).toEqual({
      passed: 2,
      failed: 0,
      errors: 0,
    });
    expect(parseUnittestCounts('Traceback (most recent call last):\n')).toBeNull();
  });
});

describe('parseNodeTestCounts', () => {
  it('reads the TAP footer; cancelled tests are errors', () => {
    const output =
      'ok 1 - a\nnot ok 2 - b\n1..3\n# tests 3\n# pass 1\n# fail 1\n# cancelled 1\n# skipped 0\n';
    expect(parseNodeTestCounts(output)).toEqual({ passed: 1, failed: 1, errors: 1 });
  });

  it('is null without a footer', () => {
    expect(parseNodeTestCounts('SyntaxError: Unexpected token\n')).toBeNull();
  });
});
