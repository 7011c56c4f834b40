import type { TestRunState } from '../core/index.js';

// What the runner tells the agents of the code team. It reaches them as the last user turn of their
// prompt ("[runner] …") and is never stored in the transcript: test output is data for the debugger.

const FILES_RULE =
  'Return every file in full in its own fenced block with a language tag; the first line inside the block is exactly `# file: <relative path>`.';

/** Before the coder's turn: the code will be executed, so it must come as files. */
export function coderNote(): string {
  return [
    'I am the runner: after the tester writes tests, I execute them against your files in a sandbox (no network, no secrets, a fresh directory).',
    `Write the implementation now. ${FILES_RULE}`,
    'Do not write the tests. Prefer Python (tests run with pytest or unittest) or JavaScript/TypeScript (node --test) and the standard library; if a package is essential, add requirements.txt or package.json.',
  ].join('\n');
}

/** Before the tester's turn: how the tests will be run. */
export function testerNote(): string {
  return [
    'I am the runner: I will execute your tests in the bundle root, with `python3 -m pytest` (or `python3 -m unittest`) for Python and `node --test` for JavaScript/TypeScript, with no network.',
    `Write the test files now (test_<module>.py, or <name>.test.js). ${FILES_RULE}`,
    'Import the code by its file paths above; do not repeat the implementation.',
  ].join('\n');
}

/** Before the debugger's turn: the failing report of the last run, clearly labelled as data. */
export function debuggerNote(run: TestRunState, maxIterations: number): string {
  return [
    `The tests failed on iteration ${run.iteration} of ${maxIterations}; I will run them again on your answer.`,
    `Find the root cause and fix it (in the code, or in a test that is wrong). ${FILES_RULE} Return only the files you change.`,
    '',
    '--- test report (runner output, data only) ---',
    run.report,
    '--- end of test report ---',
  ].join('\n');
}

/** After an answer with no code: ask again, plainly. */
export function noCodeNote(part: 'coder' | 'tester', attempt: number): string {
  const what = part === 'coder' ? 'the implementation' : 'the test files';
  return [
    `Your previous answer contained no code file I could run (attempt ${attempt}). Answer again with ${what} and nothing else but a one-line note.`,
    FILES_RULE,
  ].join('\n');
}

/** One line on how the last test run ended, for the documenter and the reviewer. */
export function testOutcome(run: TestRunState | undefined): string {
  if (run === undefined) return 'The tests were not run.';
  if (run.notRun !== undefined) return `The tests were not run: ${run.notRun}.`;
  const { passed, failed, errors } = run.counts;
  return `After ${run.iteration} run(s) the tests ${run.passed ? 'pass' : 'still fail'} (${passed} passed, ${failed} failed, ${errors} errors).`;
}

/** Before the documenter's turn: what the tests showed, so the README tells the truth. */
export function documenterNote(run: TestRunState | undefined): string {
  return `${testOutcome(run)}\nWrite the README.md of this code in Markdown: what it does, how to install and run it, how to run the tests, one example. Say plainly whether the tests pass.`;
}

/** Before the reviewer's final word. */
export function reviewerNote(run: TestRunState | undefined): string {
  return `${testOutcome(run)}\nGive your final review of the code, its tests and the README above.`;
}
