import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { extensionFor, extractCodeBlocks } from '../code/extract-code-blocks.js';
import type { RunState } from '../core/index.js';
import { runResult } from './run-result.js';

/**
 * Writes a finished run's artifacts to `<artifactsDir>/<runId>/`: `transcript.md`, `result.json`, and every
 * fenced code block as a file under `code/<stepId>/`. Returns the run's artifacts directory.
 */
export async function writeArtifacts(state: RunState, artifactsDir: string): Promise<string> {
  const dir = join(artifactsDir, state.runId);
  await mkdir(dir, { recursive: true });
  const codeFiles: string[] = [];
  for (const message of state.transcript) {
    for (const [index, block] of extractCodeBlocks(message.content).entries()) {
      const name = block.fileName ?? `block-${index + 1}.${extensionFor(block.language)}`;
      codeFiles.push(join('code', message.stepId, name));
      await writeFileDeep(join(dir, 'code', message.stepId, name), block.code);
    }
  }
  await writeFile(join(dir, 'transcript.md'), transcriptMarkdown(state));
  await writeFile(
    join(dir, 'result.json'),
    `${JSON.stringify({ ...runResult(state, dir), codeFiles }, null, 2)}\n`,
  );
  return dir;
}

async function writeFileDeep(path: string, content: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, content);
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
