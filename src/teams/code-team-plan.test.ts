import { describe, expect, it } from 'vitest';
import { BUILTIN_TEAMS } from '../config/defaults/teams.js';
import type { TestRunState } from '../core/index.js';
import { codePartAt, codeStopReason, codeTeamCast } from './code-team-plan.js';

const run = (passed: boolean, extra: Partial<TestRunState> = {}): TestRunState => ({
  stepId: 's',
  agentId: 'runner',
  iteration: 1,
  passed,
  counts: { passed: passed ? 1 : 0, failed: passed ? 0 : 1, errors: 0 },
  isolation: 'bubblewrap',
  durationMs: 1,
  report: '',
  ...extra,
});

/** The whole schedule a run with these test results follows. */
function schedule(runs: TestRunState[], maxIterations: number): string[] {
  const parts: string[] = [];
  for (let index = 0; ; index++) {
    const part = codePartAt(index, runs.slice(0, parts.filter((p) => p === 'runner').length), maxIterations);
    parts.push(part);
    if (part === 'done') return parts;
  }
}

describe('codePartAt', () => {
  it('goes from the runner straight to the documenter when the first run passes', () => {
    expect(schedule([run(true)], 3)).toEqual([
      'architect',
      'coder',
      'tester',
      'runner',
      'documenter',
      'reviewer',
      'done',
    ]);
  });

  it('lets the debugger fix a failing run, then runs the tests again', () => {
    expect(schedule([run(false), run(true)], 3)).toEqual([
      'architect',
      'coder',
      'tester',
      'runner',
      'debugger',
      'runner',
      'documenter',
      'reviewer',
      'done',
    ]);
  });

  it('stops after maxIterations runner steps when the tests never pass', () => {
    const parts = schedule([run(false), run(false), run(false), run(false)], 3);
    expect(parts.filter((part) => part === 'runner')).toHaveLength(3);
    expect(parts.filter((part) => part === 'debugger')).toHaveLength(2);
    expect(parts.slice(-3)).toEqual(['documenter', 'reviewer', 'done']);
  });

  it('does not ask the debugger when the tests could not run at all', () => {
    expect(schedule([run(false, { notRun: 'no runner for go' })], 3)).toEqual([
      'architect',
      'coder',
      'tester',
      'runner',
      'documenter',
      'reviewer',
      'done',
    ]);
  });
});

describe('codeStopReason', () => {
  it('names the outcome of the last run', () => {
    expect(codeStopReason([run(false), run(true)])).toBe('tests_passed');
    expect(codeStopReason([run(false)])).toBe('tests_failed');
    expect(codeStopReason([run(false, { notRun: 'no tests' })])).toBe('tests_not_run');
  });
});

describe('codeTeamCast', () => {
  it('reads the built-in team by position, the critic as reviewer', () => {
    expect(codeTeamCast(BUILTIN_TEAMS.code!)).toMatchObject({ coder: 'coder', reviewer: 'critic' });
  });

  it('refuses a code team without exactly six agents, saying which order', () => {
    expect(() => codeTeamCast({ ...BUILTIN_TEAMS.code!, agents: ['coder', 'tester'] })).toThrow(
      /needs exactly 6, in the order architect, coder, tester, debugger, documenter, reviewer/,
    );
  });
});
