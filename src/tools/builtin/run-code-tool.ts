import { z } from 'zod';
import { boundTail } from '../../code/run-tests.js';
import type { Sandbox, SandboxLimits, SandboxResult } from '../../code/sandbox/sandbox.js';
import { transpileForNode } from '../../code/transpile-for-node.js';
import { defineTool, type ToolDefinition } from '../tool.js';

/** Each of stdout and stderr is cut to its last this many characters for the model. */
export const RUN_CODE_MAX_STREAM_CHARS = 10_000;
/** What the tool loop allows beyond the sandbox's own wall clock (spawning, writing the files). */
export const SANDBOX_TOOL_MARGIN_MS = 15_000;

const runCodeArgs = z.object({
  language: z.enum(['python', 'javascript', 'typescript']).describe('The language of `code`.'),
  code: z
    .string()
    .min(1)
    .max(200_000)
    .describe(
      'A complete program. Print what you want to see; its exit code, stdout and stderr are returned.',
    ),
  stdin: z
    .string()
    .max(200_000)
    .optional()
    .describe('Text fed to the program on standard input. Default: none.'),
});

/** How the sandboxed tools reach the sandbox and what limits each run gets. */
export interface SandboxToolOptions {
  /** The sandbox, created on first use. */
  sandbox: () => Promise<Sandbox>;
  limits: SandboxLimits;
}

const ENTRY = { python: 'main.py', javascript: 'main.js', typescript: 'main.ts' } as const;
const STDIN_FILE = '.stdin';

/**
 * `run_code`: runs a program in the sandbox (no network, a throwaway directory, CPU, memory, process,
 * output and time limits) and returns its exit code and bounded output. It does not see the workspace.
 */
export function runCodeTool(options: SandboxToolOptions): ToolDefinition<z.infer<typeof runCodeArgs>> {
  return defineTool({
    name: 'run_code',
    description:
      'Run a short Python, JavaScript or TypeScript program in an isolated sandbox (no network, no access to ' +
      `the workspace, ${Math.round(options.limits.timeoutMs / 1000)} s limit) and get its exit code, stdout ` +
      'and stderr. TypeScript is transpiled, not type-checked.',
    parameters: runCodeArgs,
    // It runs arbitrary code: treated as changing things, so it is never re-run on resume.
    sideEffects: true,
    source: 'builtin',
    timeoutMs: options.limits.timeoutMs + SANDBOX_TOOL_MARGIN_MS,
    async execute({ language, code, stdin }, context) {
      const source = { path: ENTRY[language], content: code };
      const [entry] = language === 'typescript' ? await transpileForNode([source]) : [source];
      const program = language === 'python' ? ['python3', entry!.path] : ['node', entry!.path];
      const files = stdin === undefined ? [entry!] : [entry!, { path: STDIN_FILE, content: stdin }];
      // The sandbox has no stdin of its own: a shell redirects the file into the program.
      const command =
        stdin === undefined ? program : ['sh', '-c', `exec "$@" < ${STDIN_FILE}`, 'sh', ...program];
      const sandbox = await options.sandbox();
      const result = await sandbox.run({ files, command, limits: options.limits, signal: context.signal });
      return formatRun(result, options.limits);
    },
  });
}

/** Exit status, then stdout and stderr (each bounded to its tail), with notes on limits that were hit. */
export function formatRun(result: SandboxResult, limits: SandboxLimits): string {
  const status = result.timedOut
    ? `killed at the ${limits.timeoutMs} ms time limit`
    : result.signal !== null
      ? `killed by ${result.signal}${result.signal === 'SIGXCPU' ? ' (CPU time limit)' : ''}`
      : `exit code ${result.exitCode}`;
  const lines = [`${status} (${Math.round(result.durationMs)} ms, isolation: ${result.isolation})`];
  if (result.outputTruncated)
    lines.push(`note: output passed ${limits.maxOutputBytes} bytes; the program was stopped there.`);
  lines.push('--- stdout ---', boundTail(result.stdout.trimEnd(), RUN_CODE_MAX_STREAM_CHARS) || '(empty)');
  lines.push('--- stderr ---', boundTail(result.stderr.trimEnd(), RUN_CODE_MAX_STREAM_CHARS) || '(empty)');
  return lines.join('\n');
}
