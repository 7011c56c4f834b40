import { spawn } from 'node:child_process';
import { AgentMeshError } from '../../errors/index.js';
import type { BundleFile, ValidationIssue } from '../bundle.js';

/** Options of {@link checkPythonSyntax}. */
export interface PythonSyntaxOptions {
  /** The interpreter. @default 'python3' */
  python?: string;
  signal?: AbortSignal;
  /** The checker is killed after this and the check reported as skipped. @default 30_000 */
  timeoutMs?: number;
}

/** Issues found, or why Python could not be checked at all. */
export type PythonSyntaxResult =
  | { issues: ValidationIssue[]; skipped?: undefined }
  | { issues: []; skipped: string };

// Compiles each source to bytecode in memory: catches what ast.parse misses ('return' outside a function)
// while importing and running nothing. Sources arrive as UTF-8 JSON on stdin, whatever the locale.
const CHECKER = `
import json, sys, warnings
warnings.simplefilter("ignore")
issues = []
for path, source in json.loads(sys.stdin.buffer.read().decode("utf-8")).items():
    try:
        compile(source, path, "exec", dont_inherit=True)
    except SyntaxError as e:
        issues.append({"path": path, "line": e.lineno, "column": e.offset, "message": type(e).__name__ + ": " + str(e.msg)})
    except Exception as e:
        issues.append({"path": path, "line": None, "column": None, "message": type(e).__name__ + ": " + str(e)})
sys.stdout.write(json.dumps(issues))
`;

interface RawIssue {
  path: string;
  line: number | null;
  column: number | null;
  message: string;
}

/** Syntax-checks Python files in one `python3` subprocess that compiles them without writing or running anything. */
export async function checkPythonSyntax(
  files: readonly BundleFile[],
  { python = 'python3', signal, timeoutMs = 30_000 }: PythonSyntaxOptions = {},
): Promise<PythonSyntaxResult> {
  if (files.length === 0) return { issues: [] };
  const sources = Object.fromEntries(files.map((file) => [file.path, file.content]));
  const run = await runChecker(python, JSON.stringify(sources), { signal, timeoutMs });
  if ('skipped' in run) return { issues: [], skipped: run.skipped };
  try {
    const raw = JSON.parse(run.stdout) as RawIssue[];
    return {
      issues: raw.map(({ path, line, column, message }) => ({
        path,
        ...(line ? { line } : {}),
        ...(line && column ? { column } : {}),
        message,
      })),
    };
  } catch {
    return { issues: [], skipped: `${python} gave unreadable output, Python not checked` };
  }
}

type CheckerRun = { stdout: string } | { skipped: string };

function runChecker(
  python: string,
  input: string,
  { signal, timeoutMs }: { signal?: AbortSignal | undefined; timeoutMs: number },
): Promise<CheckerRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-S', '-c', CHECKER], {
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: timeoutMs,
      killSignal: 'SIGKILL',
      ...(signal ? { signal } : {}),
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    // The checker may die before reading everything; its exit status says what happened.
    child.stdin.on('error', () => {});
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (error.name === 'AbortError') {
        reject(
          new AgentMeshError({
            code: 'cancelled',
            message: 'The Python syntax check was cancelled by the caller.',
            cause: signal?.reason,
          }),
        );
      } else if (error.code === 'ENOENT') {
        resolve({ skipped: `${python} not found, Python not checked; install python3 or set its path` });
      } else {
        resolve({
          skipped: `${python} could not start (${error.code ?? error.message}), Python not checked`,
        });
      }
    });
    child.on('close', (code, killedBy) => {
      if (code === 0) return resolve({ stdout: Buffer.concat(stdout).toString('utf8') });
      if (signal?.aborted) return; // the 'error' handler has rejected
      const detail = Buffer.concat(stderr).toString('utf8').trim().split('\n').pop()?.slice(0, 200);
      const why = killedBy ? `was killed (${killedBy}) after ${timeoutMs} ms` : `exited with ${code}`;
      resolve({ skipped: `${python} ${why}${detail ? `: ${detail}` : ''}, Python not checked` });
    });
    child.stdin.end(input);
  });
}
