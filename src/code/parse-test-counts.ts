/** Tests that passed, failed (assertions) and errored (crashes, import errors, cancellations). */
export interface TestCounts {
  passed: number;
  failed: number;
  errors: number;
}

/** A runner's output with no recognisable summary. */
const NONE = null;

/**
 * pytest's final summary, `-q` or not: `2 failed, 3 passed, 1 error in 0.12s`, framed by `=` or
 * bare. The last such line wins, so test output that looks like a summary does not.
 */
export function parsePytestCounts(output: string): TestCounts | null {
  const lines = output
    .split('\n')
    .filter((line) => /\bin [\d.]+s\b/.test(line) && /\d+ (passed|failed|errors?)\b|no tests ran/.test(line));
  const summary = lines.at(-1);
  if (summary === undefined) return NONE;
  const count = (word: RegExp) => Number(word.exec(summary)?.[1] ?? 0);
  return {
    passed: count(/(\d+) passed/),
    failed: count(/(\d+) failed/),
    errors: count(/(\d+) errors?\b/),
  };
}

/**
 * unittest's `Ran N tests in 0.01s` followed by `OK`, `OK (skipped=1)` or
 * `FAILED (failures=1, errors=2, skipped=1, unexpected successes=1)`.
 */
export function parseUnittestCounts(output: string): TestCounts | null {
  const ran = [...output.matchAll(/^Ran (\d+) tests? in /gm)].at(-1);
  if (!ran) return NONE;
  const after = output.slice(ran.index);
  const status = /^(OK|FAILED)\b(?: \(([^)]*)\))?/m.exec(after);
  const field = (name: string) => Number(new RegExp(`${name}=(\\d+)`).exec(status?.[2] ?? '')?.[1] ?? 0);
  const failed = field('failures') + field('unexpected successes');
  const errors = field('errors');
  const notCounted = field('skipped') + field('expected failures');
  return { passed: Math.max(0, Number(ran[1]) - failed - errors - notCounted), failed, errors };
}

/** `node --test` TAP footer: `# pass N`, `# fail N`, `# cancelled N` (cancelled counts as errors). */
export function parseNodeTestCounts(output: string): TestCounts | null {
  const field = (name: string) => [...output.matchAll(new RegExp(`^# ${name} (\\d+)$`, 'gm'))].at(-1)?.[1];
  const pass = field('pass');
  const fail = field('fail');
  if (pass === undefined || fail === undefined) return NONE;
  return { passed: Number(pass), failed: Number(fail), errors: Number(field('cancelled') ?? 0) };
}
