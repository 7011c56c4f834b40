import type { CodeBundle } from './bundle.js';
import {
  parseNodeTestCounts,
  parsePytestCounts,
  parseUnittestCounts,
  type TestCounts,
} from './parse-test-counts.js';
import type { Isolation, Sandbox, SandboxLimits, SandboxResult } from './sandbox/sandbox.js';
import { isTypeScriptSource, jsPathOf, transpileForNode } from './transpile-for-node.js';

/** The outcome of running a bundle's tests in the sandbox. */
export interface TestReport {
  runner: 'pytest' | 'unittest' | 'node-test' | null;
  /** True only when tests ran, at least one passed, and none failed or errored. */
  passed: boolean;
  counts: TestCounts;
  /** The runner's output (stdout, then stderr), bounded to its last {@link MAX_REPORT_OUTPUT_CHARS}. */
  output: string;
  durationMs: number;
  isolation: Isolation;
  isolationWarning?: string;
  timedOut: boolean;
  /** Why nothing ran, e.g. `no tests found` or `no runner for language rust (src/main.rs)`. */
  notRun?: string;
  /** The argv that ran in the sandbox, e.g. `['/usr/bin/python3', '-m', 'unittest', '-v', 'test_x.py']`. */
  command?: string[];
}

/** The tail of the runner's output kept in a report: failures and the summary come last. */
export const MAX_REPORT_OUTPUT_CHARS = 16_000;

const PYTHON_TEST = /(^|\/)(test_[^/]*|[^/]*_test)\.py$/;
const NODE_TEST = /\.test\.(m|c)?(j|t)s$/;
/** Languages that are data or prose, never a reason to say "no runner". */
const NOT_CODE = new Set([
  'json',
  'yaml',
  'yml',
  'toml',
  'text',
  'markdown',
  'md',
  'ini',
  'csv',
  'xml',
  'html',
  'css',
]);
const NO_COUNTS: TestCounts = { passed: 0, failed: 0, errors: 0 };

type Plan =
  | { kind: 'python'; tests: string[] }
  | { kind: 'node'; tests: string[] }
  | { kind: 'none'; notRun: string };

/**
 * Chooses the runner from the test files: Python (`test_*.py`, `*_test.py`) first, else `node --test`
 * (`*.test.js|mjs|cjs|ts|mts|cts`). Without either: "no tests found", or "no runner for language …"
 * when the bundle's code is in a language we cannot run.
 */
export function planTestRun(bundle: CodeBundle): Plan {
  const paths = [...bundle.keys()].sort();
  const python = paths.filter((path) => PYTHON_TEST.test(path));
  if (python.length > 0) return { kind: 'python', tests: python };
  const node = paths.filter((path) => NODE_TEST.test(path));
  if (node.length > 0) return { kind: 'node', tests: node };
  const runnable = (file: { path: string; language: string }) =>
    /\.(py|[cm]?[jt]sx?)$/.test(file.path) || ['python', 'javascript', 'typescript'].includes(file.language);
  const files = [...bundle.values()].sort((a, b) => a.path.localeCompare(b.path));
  const foreign = files.find((file) => !runnable(file) && !NOT_CODE.has(file.language));
  if (foreign && !files.some(runnable)) {
    return { kind: 'none', notRun: `no runner for language ${foreign.language} (${foreign.path})` };
  }
  return { kind: 'none', notRun: 'no tests found' };
}

/**
 * Runs the bundle's tests in `sandbox`: pytest when the sandbox's python3 can import it, else
 * `python3 -m unittest`; `node --test` for JS/TS (TypeScript transpiled first). Never throws for the
 * code's own failures — they are the report — only for cancellation or a broken sandbox.
 */
export async function runBundleTests(options: {
  bundle: CodeBundle;
  sandbox: Sandbox;
  limits: SandboxLimits;
  signal?: AbortSignal;
}): Promise<TestReport> {
  const { bundle, sandbox, limits, signal } = options;
  const plan = planTestRun(bundle);
  const files = [...bundle.values()].map(({ path, content }) => ({ path, content }));
  if (plan.kind === 'none') return notRunReport(sandbox, plan.notRun);
  if (plan.kind === 'node') {
    const tests = plan.tests.map(jsPathOf);
    const command = ['node', '--test', '--test-reporter=tap', '--test-concurrency=1', ...tests];
    const result = await sandbox.run({ files: await transpileForNode(files), command, limits, signal });
    const transpiled = plan.tests.some(isTypeScriptSource);
    return reportOf({
      runner: 'node-test',
      command,
      result,
      counts: parseNodeTestCounts(result.stdout),
      transpiled,
    });
  }
  const python = await pythonOf(sandbox, limits, signal);
  if (!python) return notRunReport(sandbox, 'no python3 inside the sandbox (install python3 under /usr)');
  const runner = python.hasPytest ? 'pytest' : 'unittest';
  const command = python.hasPytest
    ? [python.executable, '-m', 'pytest', '-q', '-p', 'no:cacheprovider', ...plan.tests]
    : [python.executable, '-m', 'unittest', '-v', ...plan.tests];
  const result = await sandbox.run({ files, command, limits, signal });
  const text = `${result.stdout}\n${result.stderr}`;
  const counts = python.hasPytest ? parsePytestCounts(text) : parseUnittestCounts(text);
  return reportOf({ runner, command, result, counts, transpiled: false });
}

function reportOf(options: {
  runner: NonNullable<TestReport['runner']>;
  command: string[];
  result: SandboxResult;
  counts: TestCounts | null;
  transpiled: boolean;
}): TestReport {
  const { runner, command, result } = options;
  const counts = options.counts ?? NO_COUNTS;
  const clean = result.exitCode === 0 && !result.timedOut && !result.outputTruncated;
  const notes = [
    options.transpiled
      ? 'note: TypeScript was transpiled to JavaScript (types erased, not checked) before running.'
      : '',
    result.timedOut ? `note: killed at the wall-clock timeout; the tests never finished.` : '',
    result.signal && !result.timedOut
      ? `note: the runner was killed by ${result.signal}${signalHint(result.signal)}.`
      : '',
    result.outputTruncated ? 'note: output exceeded the limit; the run was stopped there.' : '',
    options.counts === null && !result.timedOut ? `note: no ${runner} summary found in the output.` : '',
  ].filter(Boolean);
  return {
    runner,
    passed: clean && counts.passed > 0 && counts.failed === 0 && counts.errors === 0,
    counts,
    output: boundTail(
      [...notes, `$ ${command.join(' ')}`, result.stdout.trimEnd(), result.stderr.trimEnd()]
        .filter(Boolean)
        .join('\n'),
    ),
    durationMs: Math.round(result.durationMs),
    isolation: result.isolation,
    ...(result.isolationWarning !== undefined && { isolationWarning: result.isolationWarning }),
    timedOut: result.timedOut,
    command,
  };
}

function signalHint(signal: string): string {
  if (signal === 'SIGXCPU') return ' (CPU time limit)';
  if (signal === 'SIGXFSZ') return ' (file size limit)';
  return '';
}

function notRunReport(sandbox: Sandbox, notRun: string): TestReport {
  return {
    runner: null,
    passed: false,
    counts: NO_COUNTS,
    output: '',
    durationMs: 0,
    isolation: sandbox.isolation,
    timedOut: false,
    notRun,
  };
}

/** The last {@link MAX_REPORT_OUTPUT_CHARS} characters, saying how much was left out before them. */
export function boundTail(text: string, max = MAX_REPORT_OUTPUT_CHARS): string {
  if (text.length <= max) return text;
  return `[… ${text.length - max} characters left out …]\n${text.slice(-max)}`;
}

interface PythonInfo {
  executable: string;
  hasPytest: boolean;
}

const pythonBySandbox = new WeakMap<Sandbox, Promise<PythonInfo | null>>();

/** Which python3 the sandbox runs (e.g. /usr/bin/python3, not a pyenv shim) and whether pytest imports; asked once per sandbox. */
function pythonOf(sandbox: Sandbox, limits: SandboxLimits, signal?: AbortSignal): Promise<PythonInfo | null> {
  let known = pythonBySandbox.get(sandbox);
  if (!known) {
    const probe =
      'import importlib.util, sys; print(sys.executable); print(importlib.util.find_spec("pytest") is not None)';
    known = sandbox.run({ files: [], command: ['python3', '-c', probe], limits, signal }).then((result) => {
      const [executable, hasPytest] = result.stdout.trim().split('\n');
      return result.exitCode === 0 && executable ? { executable, hasPytest: hasPytest === 'True' } : null;
    });
    known.catch(() => pythonBySandbox.delete(sandbox));
    pythonBySandbox.set(sandbox, known);
  }
  return known;
}
