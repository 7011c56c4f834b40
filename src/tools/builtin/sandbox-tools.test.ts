import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxLimits } from '../../code/sandbox/sandbox.js';
import type { AgentMeshError } from '../../errors/index.js';
import { createSandbox } from '../../runtime/create-sandbox.js';
import type { ToolContext } from '../tool.js';
import { runCodeTool } from './run-code-tool.js';
import { runTestsTool } from './run-tests-tool.js';

const limits: SandboxLimits = {
  timeoutMs: 20_000,
  cpuSeconds: 20,
  memoryMb: 512,
  maxProcesses: 64,
  maxOutputBytes: 256 * 1024,
};
// The best sandbox this machine has: bubblewrap where installed, else the subprocess fallback.
const sandbox = await createSandbox({ mode: 'auto' });
const options = { sandbox: async () => sandbox, limits };

const base = realpathSync(mkdtempSync(join(tmpdir(), 'agentmesh-sandbox-tools-')));
afterAll(() => rmSync(base, { recursive: true, force: true }));

let workspace: string;
let context: ToolContext;
let counter = 0;
beforeEach(() => {
  workspace = join(base, `ws-${counter++}`);
  mkdirSync(workspace);
  context = {
    runId: 'run-1',
    stepId: 'coder',
    agentId: 'coder',
    idempotencyKey: 'run-1/coder#0',
    workspace,
    signal: new AbortController().signal,
  };
});

const write = (path: string, content: string) => {
  mkdirSync(join(workspace, path, '..'), { recursive: true });
  writeFileSync(join(workspace, path), content);
};

describe('run_code', () => {
  const tool = runCodeTool(options);

  it('runs Python with stdin and reports exit code, stdout and stderr', async () => {
    const output = await tool.execute(
      {
        language: 'python',
        code: 'import sys\nname = sys.stdin.read().strip()\nprint(f"hi {name}")\nprint("warn", file=sys.stderr)\nsys.exit(3)',
        stdin: 'Ada\n',
      },
      context,
    );
    expect(output).toMatch(/^exit code 3 \(\d+ ms, isolation: (bubblewrap|subprocess)\)\n/);
    expect(output).toContain('--- stdout ---\nhi Ada\n--- stderr ---\nwarn');
  });

  it('runs JavaScript (ES module or CommonJS) and TypeScript', async () => {
    const esm = await tool.execute(
      { language: 'javascript', code: 'import os from "node:os";\nconsole.log(typeof os.cpus);' },
      context,
    );
    expect(esm).toContain('exit code 0');
    expect(esm).toContain('--- stdout ---\nfunction');
    const cjs = await tool.execute(
      { language: 'javascript', code: 'const os = require("node:os");\nconsole.log(1 + 1);' },
      context,
    );
    expect(cjs).toContain('--- stdout ---\n2');
    const ts = await tool.execute(
      {
        language: 'typescript',
        code: 'const add = (a: number, b: number): number => a + b;\nconsole.log(add(2, 3));',
      },
      context,
    );
    expect(ts).toContain('exit code 0');
    expect(ts).toContain('--- stdout ---\n5\n--- stderr ---\n(empty)');
  });

  it('says a program was killed at the time limit', async () => {
    const quick = runCodeTool({ ...options, limits: { ...limits, timeoutMs: 500 } });
    const output = await quick.execute({ language: 'python', code: 'while True:\n    pass' }, context);
    expect(output).toMatch(/^killed at the 500 ms time limit/);
  });

  it('does not see the workspace', async () => {
    write('secret.txt', 'workspace secret');
    const output = await tool.execute(
      {
        language: 'python',
        code: 'import os\nprint(sorted(os.listdir(".")))\nprint(os.path.exists("secret.txt"))',
      },
      context,
    );
    expect(output).toContain("['main.py']\nFalse");
  });

  it('is declared side-effecting, with a timeout beyond the sandbox limit', () => {
    expect(tool.sideEffects).toBe(true);
    expect(tool.timeoutMs).toBeGreaterThan(limits.timeoutMs);
    expect(tool.source).toBe('builtin');
  });
});

describe('run_tests', () => {
  const tool = runTestsTool(options);
  const ADD = 'def add(a, b):\n    return a + b\n';
  const testFile = (expected: number) =>
    `import unittest\nfrom add import add\n\n\nclass T(unittest.TestCase):\n    def test_one(self):\n        self.assertEqual(add(1, 1), 2)\n\n    def test_two(self):\n        self.assertEqual(add(2, 2), ${expected})\n`;

  it('runs every test in the workspace with the other files beside them', async () => {
    write('add.py', ADD);
    write('test_add.py', testFile(4));
    write('tests/test_more_add.py', `import sys\nsys.path.insert(0, ".")\n${testFile(5)}`);
    const output = (await tool.execute({}, context)) as string;
    expect(output).toMatch(/^FAILED: 3 passed, 1 failed, 0 errors \((pytest|unittest), /);
    expect(output).toContain('test_more_add');
  });

  it('runs only the chosen test files', async () => {
    write('add.py', ADD);
    write('test_add.py', testFile(4));
    write('test_broken.py', testFile(5));
    const output = (await tool.execute({ files: ['test_add.py'] }, context)) as string;
    expect(output).toMatch(/^PASSED: 2 passed, 0 failed, 0 errors /);
    expect(output).not.toContain('test_broken');
  });

  it('runs JavaScript tests with node --test', async () => {
    write('sum.js', 'export const sum = (a, b) => a + b;\n');
    write(
      'sum.test.js',
      'import { test } from "node:test";\nimport assert from "node:assert";\nimport { sum } from "./sum.js";\ntest("sums", () => assert.equal(sum(1, 2), 3));\n',
    );
    expect(await tool.execute({}, context)).toMatch(/^PASSED: 1 passed, 0 failed, 0 errors \(node-test, /);
  });

  it('says when there are no tests, and how to name them', async () => {
    write('add.py', ADD);
    expect(await tool.execute({}, context)).toBe(
      'No tests ran: no tests found. Test files are named test_*.py, *_test.py, *.test.js or *.test.ts; write one with write_file.',
    );
  });

  it('refuses test files outside the workspace, and explains a missing one', async () => {
    const outside = join(base, 'outside-tests');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'test_x.py'), 'raise SystemExit(1)\n');
    symlinkSync(join(outside, 'test_x.py'), join(workspace, 'test_link.py'));
    for (const path of ['../outside-tests/test_x.py', join(outside, 'test_x.py'), 'test_link.py']) {
      const error = (await tool
        .execute({ files: [path] }, context)
        .catch((caught) => caught)) as AgentMeshError;
      expect(error.code).toBe('tool_refused');
    }
    const missing = (await tool
      .execute({ files: ['test_nope.py'] }, context)
      .catch((caught) => caught)) as AgentMeshError;
    expect(missing.code).toBe('tool_failed');
  });

  it('does not copy links: a test cannot read a file outside through one', async () => {
    const outside = join(base, 'outside-secret');
    mkdirSync(outside, { recursive: true });
    writeFileSync(join(outside, 'secret.txt'), 'top secret');
    symlinkSync(join(outside, 'secret.txt'), join(workspace, 'secret.txt'));
    write(
      'test_peek.py',
      'import os, unittest\n\n\nclass T(unittest.TestCase):\n    def test_no_link(self):\n        self.assertFalse(os.path.exists("secret.txt"))\n',
    );
    expect(await tool.execute({}, context)).toMatch(/^PASSED: 1 passed/);
  });
});
