import { describe, expect, it } from 'vitest';
import { createSandbox } from '../runtime/create-sandbox.js';
import type { BundleFile, CodeBundle } from './bundle.js';
import { planTestRun, runBundleTests } from './run-tests.js';
import type { SandboxLimits } from './sandbox/sandbox.js';
import { transpileForNode } from './transpile-for-node.js';

const limits: SandboxLimits = {
  timeoutMs: 20_000,
  cpuSeconds: 20,
  memoryMb: 512,
  maxProcesses: 64,
  maxOutputBytes: 256 * 1024,
};
// The best sandbox this machine has: bubblewrap where installed, else the subprocess fallback.
const sandbox = await createSandbox({ mode: 'auto' });

function bundle(files: Record<string, string>): CodeBundle {
  const language = (path: string) =>
    path.endsWith('.py')
      ? 'python'
      : path.endsWith('.ts')
        ? 'typescript'
        : path.endsWith('.rs')
          ? 'rust'
          : 'javascript';
  return new Map(
    Object.entries(files).map(([path, content]): [string, BundleFile] => [
      path,
      { path, content, language: language(path), stepId: 'step-1' },
    ]),
  );
}

const ADD_PY = 'def add(a, b):\n    return a + b\n';
const PY_TESTS = (expected: number) =>
  `import unittest\nfrom add import add\n\n\nclass AddTest(unittest.TestCase):\n` +
  `    def test_small(self):\n        self.assertEqual(add(1, 2), 3)\n\n` +
  `    def test_other(self):\n        self.assertEqual(add(2, 2), ${expected})\n`;

describe('planTestRun', () => {
  it('picks Python for test_*.py and *_test.py, node for *.test.ts, and says why nothing runs', () => {
    expect(planTestRun(bundle({ 'add.py': ADD_PY, 'tests/add_test.py': '', 'test_x.py': '' }))).toEqual({
      kind: 'python',
      tests: ['test_x.py', 'tests/add_test.py'],
    });
    expect(planTestRun(bundle({ 'add.ts': '', 'add.test.ts': '' }))).toEqual({
      kind: 'node',
      tests: ['add.test.ts'],
    });
    expect(planTestRun(bundle({ 'add.py': ADD_PY }))).toEqual({ kind: 'none', notRun: 'no tests found' });
    expect(planTestRun(bundle({ 'src/main.rs': 'fn main() {}' }))).toEqual({
      kind: 'none',
      notRun: 'no runner for language rust (src/main.rs)',
    });
  });
});

describe(`runBundleTests (real runs in the ${sandbox.isolation} sandbox)`, () => {
  it('runs passing Python tests with the sandbox python and counts them', async () => {
    const report = await runBundleTests({
      bundle: bundle({ 'add.py': ADD_PY, 'test_add.py': PY_TESTS(4) }),
      sandbox,
      limits,
    });
    expect(report).toMatchObject({
      passed: true,
      counts: { passed: 2, failed: 0, errors: 0 },
      timedOut: false,
    });
    expect(report.runner === 'pytest' || report.runner === 'unittest').toBe(true);
    expect(report.command?.[0]).toMatch(/^\/usr\/(local\/)?bin\/python3/);
    expect(report.isolation).toBe(sandbox.isolation);
  });

  it('reports a failing Python test with its assertion in the output', async () => {
    const report = await runBundleTests({
      bundle: bundle({ 'add.py': ADD_PY, 'test_add.py': PY_TESTS(5) }),
      sandbox,
      limits,
    });
    expect(report).toMatchObject({ passed: false, counts: { passed: 1, failed: 1, errors: 0 } });
    expect(report.output).toContain('AssertionError: 4 != 5');
  });

  it('counts an import error as an error, not a pass', async () => {
    const report = await runBundleTests({ bundle: bundle({ 'test_add.py': PY_TESTS(4) }), sandbox, limits });
    expect(report.passed).toBe(false);
    expect(report.counts.errors).toBeGreaterThan(0);
    expect(report.output).toMatch(/ModuleNotFoundError: No module named 'add'/);
  });

  it('kills tests that never finish at the timeout and reports a failure', async () => {
    const hang =
      'import unittest\n\n\nclass T(unittest.TestCase):\n    def test_hang(self):\n        while True:\n            pass\n';
    const report = await runBundleTests({
      bundle: bundle({ 'test_hang.py': hang }),
      sandbox,
      limits: { ...limits, timeoutMs: 1_000 },
    });
    expect(report).toMatchObject({ passed: false, timedOut: true });
    expect(report.output).toContain('killed at the wall-clock timeout');
  });

  it('runs node --test on JavaScript tests', async () => {
    const files = {
      'add.js': 'export const add = (a, b) => a + b;\n',
      'add.test.js':
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './add.js';\n" +
        "test('adds', () => assert.equal(add(1, 2), 3));\ntest('fails', () => assert.equal(add(1, 1), 3));\n",
    };
    const report = await runBundleTests({ bundle: bundle(files), sandbox, limits });
    expect(report).toMatchObject({
      runner: 'node-test',
      passed: false,
      counts: { passed: 1, failed: 1, errors: 0 },
    });
  });

  it('transpiles TypeScript tests, extensionless imports included, and runs them', async () => {
    const files = {
      'src/add.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n',
      'test/add.test.ts':
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/add';\n" +
        "test('adds', () => assert.equal(add(1, 2) as number, 3));\n",
    };
    const report = await runBundleTests({ bundle: bundle(files), sandbox, limits });
    expect(report).toMatchObject({
      runner: 'node-test',
      passed: true,
      counts: { passed: 1, failed: 0, errors: 0 },
    });
    expect(report.output).toContain('TypeScript was transpiled');
  });

  it('reports bundles without tests or without a runner as not run', async () => {
    const none = await runBundleTests({ bundle: bundle({ 'add.py': ADD_PY }), sandbox, limits });
    expect(none).toMatchObject({ runner: null, passed: false, notRun: 'no tests found' });
    const rust = await runBundleTests({ bundle: bundle({ 'src/main.rs': 'fn main() {}' }), sandbox, limits });
    expect(rust.notRun).toBe('no runner for language rust (src/main.rs)');
  });
});

describe('transpileForNode', () => {
  it('emits .js files and points relative imports at them', async () => {
    const out = await transpileForNode([
      {
        path: 'a.ts',
        content: "import { b } from './b.ts';\nexport { c } from './lib';\nexport const a: number = b;\n",
      },
      { path: 'b.ts', content: 'export const b = 1;\n' },
      { path: 'lib/index.ts', content: 'export const c = 2;\n' },
      { path: 'types.d.ts', content: 'declare const x: number;\n' },
    ]);
    expect(out.map((file) => file.path)).toEqual(['a.js', 'b.js', 'lib/index.js']);
    expect(out[0]?.content).toContain('from "./b.js"');
    expect(out[0]?.content).toContain('from "./lib/index.js"');
    expect(out[0]?.content).not.toContain(': number');
  });
});
