import { bundleFromMessages } from '../code/code-bundle.js';
import { runBundleTests, type TestReport } from '../code/run-tests.js';
import type { Sandbox, SandboxLimits } from '../code/sandbox/sandbox.js';
import { formatValidationFeedback, validateBundle } from '../code/validate/validate-bundle.js';
import type { TranscriptMessage } from '../core/index.js';
import type { StepEventInput, WorkflowStep } from '../workflow/workflow.js';

/** Options for {@link runCodeTests}. */
export interface RunCodeTestsOptions {
  step: WorkflowStep;
  /** The coder's, tester's and debugger's messages, oldest first; the latest version of each file wins. */
  messages: readonly TranscriptMessage[];
  sandbox: Sandbox;
  limits: SandboxLimits;
  signal: AbortSignal;
  now?: () => number;
}

/** The runner's report is for a model's prompt: keep the start (the first error) and the end (the summary). */
const OUTPUT_HEAD = 2_000;
const OUTPUT_TAIL = 6_000;

/**
 * One runner step (no LLM): builds the bundle from the agents' files, checks its syntax and, when it is
 * clean, runs its tests in the sandbox. Returns the `tests.ran` event; syntax problems and refused paths
 * are a failing report with the tests not run, so the debugger gets them as structured feedback.
 */
export async function runCodeTests({
  step,
  messages,
  sandbox,
  limits,
  signal,
  now = Date.now,
}: RunCodeTestsOptions): Promise<StepEventInput> {
  const started = now();
  const { bundle, rejected } = bundleFromMessages(messages);
  const issues = await validateBundle(bundle, { signal });
  const base = {
    type: 'tests.ran' as const,
    stepId: step.stepId,
    agentId: step.agentId,
    iteration: step.round,
  };
  const files = [...bundle.keys()].sort();
  const refused = rejected.map(({ path, reason }) => `- ${path}: ${reason}`);
  const sections = (...parts: Array<string | false>) => parts.filter((part) => part !== false).join('\n\n');
  const header = [
    `Files: ${files.length > 0 ? files.join(', ') : '(none)'}`,
    ...(refused.length > 0
      ? ['Refused paths (not written; keep files inside the project):', ...refused]
      : []),
  ].join('\n');

  if (issues.length > 0) {
    return {
      ...base,
      passed: false,
      counts: { passed: 0, failed: 0, errors: issues.length },
      isolation: sandbox.isolation,
      durationMs: now() - started,
      report: sections(
        `Result: the tests were not run: ${issues.length} syntax problem(s) must be fixed first.`,
        header,
        formatValidationFeedback(issues),
      ),
    };
  }

  const report = await runBundleTests({ bundle, sandbox, limits, signal });
  return {
    ...base,
    passed: report.passed,
    counts: report.counts,
    isolation: report.isolation,
    durationMs: report.durationMs,
    report: sections(
      resultLine(report, limits),
      header,
      report.isolationWarning ?? false,
      boundedOutput(report.output),
    ),
    ...(report.notRun !== undefined && { notRun: report.notRun }),
  };
}

function resultLine(report: TestReport, limits: SandboxLimits): string {
  if (report.notRun !== undefined) return `Result: the tests were not run: ${report.notRun}.`;
  const { passed, failed, errors } = report.counts;
  const outcome = report.timedOut
    ? `timed out after ${limits.timeoutMs} ms and was killed (counted as a failure)`
    : report.passed
      ? 'passed'
      : 'FAILED';
  return `Result: ${outcome}: ${passed} passed, ${failed} failed, ${errors} errors (${report.runner ?? 'no runner'}, ${report.isolation}, ${report.durationMs} ms).`;
}

function boundedOutput(output: string): string {
  const text = output.trim();
  if (text === '') return 'Output: (none)';
  if (text.length <= OUTPUT_HEAD + OUTPUT_TAIL) return `Output:\n${text}`;
  const dropped = text.length - OUTPUT_HEAD - OUTPUT_TAIL;
  return `Output:\n${text.slice(0, OUTPUT_HEAD)}\n[… ${dropped} characters left out …]\n${text.slice(-OUTPUT_TAIL)}`;
}
