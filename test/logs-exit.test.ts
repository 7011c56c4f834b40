import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir } from './support/cli.js';

/** The built loggers (npm test builds first), loaded by a separate node process as the CLI would. */
const LOGGERS = pathToFileURL(resolve(import.meta.dirname, '../dist/telemetry/logs/loggers.js')).href;

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  dir = await tempDir();
});
afterEach(() => dir?.remove());

/**
 * Runs a node process that logs `count` lines to the agent log as `writer`, then ends at once
 * (`process.exit` right after the last line, as a CLI does after its run), calling close() or not.
 */
function logAndExit({
  writer,
  count,
  maxSizeBytes,
  close,
}: {
  writer: string;
  count: number;
  maxSizeBytes: number;
  close: boolean;
}): Promise<number | null> {
  const script = `
    import { createLoggers } from ${JSON.stringify(LOGGERS)};
    const loggers = createLoggers({
      logs: { dir: ${JSON.stringify(join(dir.path, 'logs'))}, level: 'info', maxSizeBytes: ${maxSizeBytes}, maxFiles: 10000 },
      secrets: [],
    });
    for (let n = 0; n < ${count}; n++) loggers.agent.info({ writer: ${JSON.stringify(writer)}, n }, 'a line of work');
    ${close ? 'void loggers.close();' : ''}
    process.exit(0);
  `;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code) => resolvePromise(code));
  });
}

/** Every agent-log line in every file (live and rotated), parsed; a torn line fails the parse. */
function allLines(): { writer: string; n: number }[] {
  const logs = join(dir.path, 'logs');
  return readdirSync(logs)
    .filter((name) => name.startsWith('agent.log'))
    .flatMap((name) => readFileSync(join(logs, name), 'utf8').split('\n').filter(Boolean))
    .map((line) => JSON.parse(line) as { writer: string; n: number });
}

describe('log lines of a process that exits right after logging', () => {
  it('are all on disk, whether or not close() ran', async () => {
    expect(await logAndExit({ writer: 'closed', count: 3000, maxSizeBytes: 10_000_000, close: true })).toBe(
      0,
    );
    expect(await logAndExit({ writer: 'abrupt', count: 3000, maxSizeBytes: 10_000_000, close: false })).toBe(
      0,
    );
    const lines = allLines();
    for (const writer of ['closed', 'abrupt']) {
      const ns = lines.filter((line) => line.writer === writer).map((line) => line.n);
      expect(ns).toEqual(Array.from({ length: 3000 }, (_, n) => n));
    }
  });

  it('are all kept, none torn, when two processes write and rotate one directory at once', async () => {
    const codes = await Promise.all([
      logAndExit({ writer: 'a', count: 4000, maxSizeBytes: 50_000, close: true }),
      logAndExit({ writer: 'b', count: 4000, maxSizeBytes: 50_000, close: false }),
    ]);
    expect(codes).toEqual([0, 0]);
    // It did rotate (how often varies: one process rotates at a time, the other writes on meanwhile).
    expect(
      readdirSync(join(dir.path, 'logs')).filter((name) => /^agent\.log\.\d+$/.test(name)).length,
    ).toBeGreaterThan(0);
    const lines = allLines();
    for (const writer of ['a', 'b']) {
      const ns = lines
        .filter((line) => line.writer === writer)
        .map((line) => line.n)
        .sort((x, y) => x - y);
      expect(ns).toEqual(Array.from({ length: 4000 }, (_, n) => n));
    }
  });
});
