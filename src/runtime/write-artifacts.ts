import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extensionFor, extractCodeBlocks } from '../code/extract-code-blocks.js';
import type { RunState } from '../core/index.js';
import { runResult } from './run-result.js';

/**
 * Writes a finished run's artifacts to `<artifactsDir>/<runId>/`: `transcript.md`, `result.json`, and every
 * fenced code block as a file under `code/<stepId>/`. Returns the run's artifacts directory.
 * Synchronous on purpose: a handful of small files once per run, where thread-pool round trips cost more
 * than the writes (measured in bench/).
 */
export function writeArtifacts(state: RunState, artifactsDir: string): string {
  const dir = join(artifactsDir, state.runId);
  mkdirSync(dir, { recursive: true });
  const codeFiles: string[] = [];
  for (const message of state.transcript) {
    for (const [index, block] of extractCodeBlocks(message.content).entries()) {
      const name = block.fileName ?? `block-${index + 1}.${extensionFor(block.language)}`;
      codeFiles.push(join('code', message.stepId, name));
      writeFileDeep(join(dir, 'code', message.stepId, name), block.code);
    }
  }
  writeFileSync(join(dir, 'transcript.md'), transcriptMarkdown(state));
  writeFileSync(
    join(dir, 'result.json'),
    `${JSON.stringify({ ...runResult(state, dir), codeFiles }, null, 2)}\n`,
  );
  return dir;
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
