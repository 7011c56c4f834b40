import { AgentMeshError } from '../../errors/index.js';
import type { BundleFile, CodeBundle, ValidationIssue } from '../bundle.js';
import { checkJsonSyntax, isStrictJsonPath } from './json-syntax.js';
import { checkPythonSyntax } from './python-syntax.js';
import { checkScriptSyntax, isScriptPath } from './typescript-syntax.js';
import { checkYamlSyntax, isYamlPath } from './yaml-syntax.js';

export { formatValidationFeedback } from './format-validation-feedback.js';

/** Options of {@link validateBundle}. */
export interface ValidateBundleOptions {
  /** The Python interpreter. @default 'python3' */
  python?: string;
  signal?: AbortSignal;
  /** Kill the Python checker after this (then reported as skipped). @default 30_000 */
  pythonTimeoutMs?: number;
}

/** A check that could not run, so its files went unchecked. */
export interface SkippedCheck {
  language: string;
  paths: string[];
  reason: string;
}

/** What {@link validateBundleReport} found, and what it could not check. */
export interface ValidationReport {
  /** Sorted by path, line, column. */
  issues: ValidationIssue[];
  /** E.g. python3 missing: the Python files were not checked, which is not the same as passing. */
  skipped: SkippedCheck[];
}

/**
 * Syntax-checks a bundle before anything runs: Python with the machine's python3 (compiled, never run),
 * TypeScript and JavaScript with the TypeScript parser, JSON and YAML. Other files are not checked.
 */
export async function validateBundle(
  bundle: CodeBundle,
  options: ValidateBundleOptions = {},
): Promise<ValidationIssue[]> {
  return (await validateBundleReport(bundle, options)).issues;
}

/** {@link validateBundle} that also says which checks were skipped and why (python3 not found…). */
export async function validateBundleReport(
  bundle: CodeBundle,
  { python, signal, pythonTimeoutMs }: ValidateBundleOptions = {},
): Promise<ValidationReport> {
  throwIfAborted(signal);
  const files = [...bundle.values()];
  const pythonFiles = files.filter((file) => file.path.endsWith('.py') || file.path.endsWith('.pyi'));
  const pythonCheck = checkPythonSyntax(pythonFiles, {
    ...(python ? { python } : {}),
    ...(signal ? { signal } : {}),
    ...(pythonTimeoutMs ? { timeoutMs: pythonTimeoutMs } : {}),
  });
  // Started before the in-process checks so the subprocess works meanwhile; awaited once they are done.
  pythonCheck.catch(() => {});
  const issues: ValidationIssue[] = [];
  issues.push(...(await checkScriptSyntax(files.filter((file) => isScriptPath(file.path)))));
  for (const file of files) issues.push(...inProcessIssues(file));
  const pythonResult = await pythonCheck;
  throwIfAborted(signal);
  issues.push(...pythonResult.issues);
  const skipped: SkippedCheck[] = pythonResult.skipped
    ? [{ language: 'python', paths: pythonFiles.map((file) => file.path), reason: pythonResult.skipped }]
    : [];
  return { issues: issues.sort(byPosition), skipped };
}

function inProcessIssues(file: BundleFile): ValidationIssue[] {
  if (isStrictJsonPath(file.path)) return checkJsonSyntax(file);
  if (isYamlPath(file.path)) return checkYamlSyntax(file);
  return [];
}

function byPosition(a: ValidationIssue, b: ValidationIssue): number {
  if (a.path !== b.path) return a.path < b.path ? -1 : 1;
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  throw new AgentMeshError({
    code: 'cancelled',
    message: 'Validation of the code bundle was cancelled by the caller.',
    cause: signal.reason,
  });
}
