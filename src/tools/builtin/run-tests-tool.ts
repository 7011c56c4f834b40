import type { Dirent } from 'node:fs';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { z } from 'zod';
import type { BundleFile, CodeBundle } from '../../code/bundle.js';
import { isTestPath } from '../../code/extract-files.js';
import { runBundleTests, type TestReport } from '../../code/run-tests.js';
import { defineTool, type ToolDefinition } from '../tool.js';
import type { SandboxToolOptions } from './run-code-tool.js';
import { SANDBOX_TOOL_MARGIN_MS } from './run-code-tool.js';
import { fileSystemFailure, toolFailed } from './tool-errors.js';
import { resolveForRead, shownPath } from './workspace-path.js';

/** Bounds on what is copied from the workspace into the sandbox. */
export const RUN_TESTS_LIMITS = {
  maxFiles: 500,
  maxFileBytes: 1_000_000,
  maxTotalBytes: 10_000_000,
} as const;

/** Folders not copied: version control, dependencies, caches. */
const NOT_COPIED = new Set(['.git', 'node_modules', '__pycache__', '.venv', '.pytest_cache', '.mypy_cache']);

const LANGUAGE_BY_EXTENSION: Record<string, string> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'typescript',
  '.json': 'json',
  '.md': 'markdown',
  '.txt': 'text',
  '.yaml': 'yaml',
  '.yml': 'yaml',
  '.toml': 'toml',
  '.csv': 'csv',
};

const runTestsArgs = z.object({
  files: z
    .array(z.string().min(1))
    .max(100)
    .optional()
    .describe(
      'Test files to run, relative to the workspace root (e.g. ["test_app.py"]). Default: every test file ' +
        '(test_*.py, *_test.py, *.test.js/ts). The other workspace files are always available to them.',
    ),
});

/**
 * `run_tests`: copies the workspace into the sandbox and runs its tests (pytest or unittest for Python,
 * `node --test` for JavaScript/TypeScript), returning pass/fail counts and the runner's output tail.
 */
export function runTestsTool(options: SandboxToolOptions): ToolDefinition<z.infer<typeof runTestsArgs>> {
  return defineTool({
    name: 'run_tests',
    description:
      'Run the tests in the workspace in an isolated sandbox and get the passed/failed/error counts and the ' +
      "runner's output. Python tests: test_*.py or *_test.py (pytest, else unittest); JS/TS: *.test.js or " +
      '*.test.ts (node --test). Write the code and tests with write_file first.',
    parameters: runTestsArgs,
    // Reads the workspace and runs in a throwaway copy: nothing outside the sandbox changes.
    sideEffects: false,
    source: 'builtin',
    // A Python run may first ask the sandbox which python3 it has: two sandbox runs at most.
    timeoutMs: 2 * options.limits.timeoutMs + SANDBOX_TOOL_MARGIN_MS,
    async execute({ files }, context) {
      const bundle = await workspaceBundle(context.workspace, files);
      const sandbox = await options.sandbox();
      const report = await runBundleTests({
        bundle,
        sandbox,
        limits: options.limits,
        signal: context.signal,
      });
      return formatReport(report);
    },
  });
}

/** The workspace's files as a bundle: all non-test files, plus the chosen tests (all of them by default). */
async function workspaceBundle(
  workspace: string,
  chosen: readonly string[] | undefined,
): Promise<CodeBundle> {
  const root = await realpath(workspace);
  const all = await listWorkspaceFiles(root);
  let selected: Set<string> | null = null;
  if (chosen !== undefined && chosen.length > 0) {
    selected = new Set();
    for (const path of chosen) {
      const target = await resolveForRead(workspace, path);
      if (!(await stat(target.real)).isFile()) {
        throw toolFailed(
          `"${target.shown}" is not a file; give test file paths (call list_files to see them).`,
          {
            path: target.shown,
          },
        );
      }
      selected.add(target.shown);
      if (!all.includes(target.shown)) all.push(target.shown);
    }
  }
  const bundle = new Map<string, BundleFile>();
  let total = 0;
  for (const path of all) {
    if (selected !== null && isTestPath(path) && !selected.has(path)) continue;
    const real = (await resolveForRead(workspace, path)).real;
    const content = await readFile(real, 'utf8').catch((error: unknown) => {
      throw fileSystemFailure(error, 'read', path);
    });
    // Binary files (images, archives) cannot travel as text; tests that need them are out of scope.
    if (content.includes('\0')) continue;
    total += Buffer.byteLength(content);
    if (
      Buffer.byteLength(content) > RUN_TESTS_LIMITS.maxFileBytes ||
      total > RUN_TESTS_LIMITS.maxTotalBytes
    ) {
      throw toolFailed(
        `The workspace is too large to test ("${path}" passes the limit of ${RUN_TESTS_LIMITS.maxFileBytes} bytes per file or ${RUN_TESTS_LIMITS.maxTotalBytes} in all); remove large files first.`,
        { path },
      );
    }
    const language = LANGUAGE_BY_EXTENSION[extname(path).toLowerCase()] ?? (extname(path).slice(1) || 'text');
    bundle.set(path, { path, language, content, stepId: '' });
  }
  return bundle;
}

/** Workspace-relative paths of the regular files (links and special files left out), sorted. */
async function listWorkspaceFiles(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries: Dirent[] = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      throw fileSystemFailure(error, 'list', shownPath(root, dir));
    });
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && !NOT_COPIED.has(entry.name)) await walk(path);
      else if (entry.isFile()) found.push(shownPath(root, path));
      if (found.length > RUN_TESTS_LIMITS.maxFiles) {
        throw toolFailed(
          `The workspace has more than ${RUN_TESTS_LIMITS.maxFiles} files to copy into the sandbox; remove files the tests do not need.`,
        );
      }
    }
  };
  await walk(root);
  return found.sort();
}

/** Counts first, then why nothing ran or the runner's output. */
export function formatReport(report: TestReport): string {
  if (report.runner === null) {
    return `No tests ran: ${report.notRun ?? 'nothing to run'}. Test files are named test_*.py, *_test.py, *.test.js or *.test.ts; write one with write_file.`;
  }
  const { passed, failed, errors } = report.counts;
  const verdict = report.passed ? 'PASSED' : 'FAILED';
  return [
    `${verdict}: ${passed} passed, ${failed} failed, ${errors} errors (${report.runner}, ${report.durationMs} ms, isolation: ${report.isolation})`,
    report.output,
  ].join('\n');
}
