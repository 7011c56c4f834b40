import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { bundleFromMessages } from '../code/code-bundle.js';
import { extensionFor, extractCodeBlocks } from '../code/extract-code-blocks.js';
import type { RunState } from '../core/index.js';
import { codeMessages, documenterMessage } from '../teams/code-team-plan.js';
import { missingDependencyFile } from './dependency-manifest.js';
import { runResult } from './run-result.js';

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
  const readme = documenterMessage(state, maxIterations);
  if (readme) files.set('README.md', readme.content.endsWith('\n') ? readme.content : `${readme.content}\n`);
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

function writeFileDeep(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** The transcript as Markdown: task, each agent's message, and how the run ended. */
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
  for (const message of state.transcript) {
    parts.push(`## ${message.agentId} (${message.stepId}, ${message.model})`, '', message.content, '');
  }
  parts.push('## Outcome', '', `Status: ${state.status}; stop reason: ${state.stopReason ?? 'none'}`);
  if (state.error) parts.push('', `Error: ${state.error.message}`);
  return `${parts.join('\n')}\n`;
}
