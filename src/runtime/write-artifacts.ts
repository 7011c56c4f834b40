import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleFromMessages } from '../code/code-bundle.js';
import { extensionFor, extractCodeBlocks } from '../code/extract-code-blocks.js';
import { extractFiles } from '../code/extract-files.js';
import type { RunState, TestRunState, ToolCallState, TranscriptMessage } from '../core/index.js';
import { codeMessages, documenterMessage } from '../teams/code-team-plan.js';
import { missingDependencyFile } from './dependency-manifest.js';
import { runResult } from './run-result.js';
import { shortArguments, toolCallOutcome } from './tool-call-text.js';

/** Options for {@link writeArtifacts}. */
export interface WriteArtifactsOptions {
  /** The code team's runner/debugger rounds, to tell its steps apart; needed for `code` runs. */
  maxIterations?: number;
}

/**
 * Writes a finished run's artifacts to `<artifactsDir>/<runId>/`: `transcript.md`, `result.json`, and every
 * fenced code block as a file under `code/<stepId>/`; a `code` run writes its tested bundle instead (see
 * {@link writeCodeBundle}). Returns the run's artifacts directory.
 * Synchronous on purpose: a handful of small files once per run, where thread-pool round trips cost more
 * than the writes (measured in bench/).
 */
export function writeArtifacts(
  state: RunState,
  artifactsDir: string,
  options: WriteArtifactsOptions = {},
): string {
  const dir = join(artifactsDir, state.runId);
  mkdirSync(dir, { recursive: true });
  const codeFiles =
    state.pattern === 'code'
      ? writeCodeBundle(state, dir, options.maxIterations ?? 3)
      : writeCodeBlocks(state, dir);
  writeFileSync(join(dir, 'transcript.md'), transcriptMarkdown(state));
  writeFileSync(
    join(dir, 'result.json'),
    `${JSON.stringify({ ...runResult(state, dir), codeFiles }, null, 2)}\n`,
  );
  return dir;
}

/** Every fenced block of every message, as `code/<stepId>/<file>`. */
function writeCodeBlocks(state: RunState, dir: string): string[] {
  const codeFiles: string[] = [];
  for (const message of state.transcript) {
    for (const [index, block] of extractCodeBlocks(message.content).entries()) {
      const name = block.fileName ?? `block-${index + 1}.${extensionFor(block.language)}`;
      codeFiles.push(join('code', message.stepId, name));
      writeFileDeep(join(dir, 'code', message.stepId, name), block.code);
    }
  }
  return codeFiles;
}

/**
 * The code team's result, ready to use: `bundle/` holds the latest version of every file the coder, tester
 * and debugger wrote, the documenter's README.md and a dependency file when one is needed and missing;
 * `test-report.json` holds every test run. Returns the written paths, relative to the run's directory.
 */
export function writeCodeBundle(state: RunState, dir: string, maxIterations: number): string[] {
  const { bundle } = bundleFromMessages(codeMessages(state, maxIterations));
  const files = new Map([...bundle.values()].map((file) => [file.path, file.content]));
  const readme = readmeOf(documenterMessage(state, maxIterations));
  if (readme !== null) files.set('README.md', readme);
  const manifest = missingDependencyFile(bundle);
  if (manifest) files.set(manifest.path, manifest.content);
  const written: string[] = [];
  for (const [path, content] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    // Paths are normalised and confined by the extractor; join() keeps them under bundle/.
    writeFileDeep(join(dir, 'bundle', path), content);
    written.push(join('bundle', path));
  }
  const last = state.testRuns.at(-1);
  const report = { testsPassed: last?.passed ?? false, stopReason: state.stopReason, runs: state.testRuns };
  writeFileSync(join(dir, 'test-report.json'), `${JSON.stringify(report, null, 2)}\n`);
  return [...written, 'test-report.json'];
}

/** The documenter's README: a fenced `README.md` file when it wrote one, else its whole answer. */
function readmeOf(message: TranscriptMessage | undefined): string | null {
  if (!message) return null;
  const fenced = extractFiles(message.content, message.stepId).files.find(
    (file) => file.path.toLowerCase() === 'readme.md',
  );
  const text = fenced?.content ?? message.content;
  return text.endsWith('\n') ? text : `${text}\n`;
}

function writeFileDeep(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/**
 * The transcript as Markdown: task, each step's tool calls, each agent's message and each test run in
 * step order, and how the run ended.
 */
export function transcriptMarkdown(state: RunState): string {
  const parts = [
    `# Run ${state.runId}`,
    '',
    `Team: ${state.team} (${state.pattern})`,
    '',
    '## Task',
    '',
    state.task,
    '',
  ];
  const order = new Map(state.steps.map((step, index) => [step.stepId, index]));
  // Stable sort: within a step its tool calls come first, as they came before its answer.
  const entries = [
    ...toolCallEntries(state),
    ...state.transcript.map((message) => ({ stepId: message.stepId, lines: messageLines(message) })),
    ...state.testRuns.map((run) => ({ stepId: run.stepId, lines: testRunLines(run) })),
  ].sort((a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0));
  for (const entry of entries) parts.push(...entry.lines);
  parts.push('## Outcome', '', `Status: ${state.status}; stop reason: ${state.stopReason ?? 'none'}`);
  if (state.error) parts.push('', `Error: ${state.error.message}`);
  return `${parts.join('\n')}\n`;
}

/**
 * One entry per step that called tools: each call with its arguments, how it ended, and the first line of
 * its result (the tool's output is data the agent read, quoted, not part of the conversation).
 */
function toolCallEntries(state: RunState): { stepId: string; lines: string[] }[] {
  const byStep = new Map<string, ToolCallState[]>();
  for (const call of state.toolCalls) byStep.set(call.stepId, [...(byStep.get(call.stepId) ?? []), call]);
  return [...byStep].map(([stepId, calls]) => {
    const epoch = state.steps.find((step) => step.stepId === stepId)?.toolEpoch ?? 0;
    const lines = [`## ${calls[0]!.agentId} · tool calls (${stepId})`, ''];
    for (const call of calls) {
      const earlier = call.epoch < epoch ? ' (before its output was rejected)' : '';
      lines.push(
        `- \`${call.tool}\` ${shortArguments(call.arguments, 200)} → ${toolCallOutcome(call, state.approvals)}${earlier}`,
      );
      const first = (call.status === 'failed' ? (call.error?.message ?? call.result) : call.result)
        ?.split('\n')
        .find((line) => line.trim() !== '');
      if (first !== undefined) lines.push(`  > ${shortArguments(first, 160)}`);
    }
    lines.push('');
    return { stepId, lines };
  });
}

function messageLines(message: TranscriptMessage): string[] {
  return [`## ${message.agentId} (${message.stepId}, ${message.model})`, '', message.content, ''];
}

function testRunLines(run: TestRunState): string[] {
  const outcome = run.notRun !== undefined ? 'not run' : run.passed ? 'passed' : 'failed';
  // A longer fence than any in the report, so test output with backticks stays inside it.
  const fence = '`'.repeat(Math.max(3, ...(run.report.match(/`+/g) ?? []).map((ticks) => ticks.length + 1)));
  return [
    `## runner · iteration ${run.iteration}: ${outcome} (${run.stepId}, ${run.isolation})`,
    '',
    `${fence}text`,
    run.report,
    fence,
    '',
  ];
}
