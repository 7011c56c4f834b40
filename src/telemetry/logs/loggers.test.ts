import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LogLevel } from '../../config/resolved-config.js';
import { consoleSink } from './console-sink.js';
import { createLoggers, LOG_CATEGORIES } from './loggers.js';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'agentmesh-loggers-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const logsIn = (dir: string, level: LogLevel = 'info') => ({
  dir,
  level,
  maxSizeBytes: 1_000_000,
  maxFiles: 2,
});
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('createLoggers', () => {
  it('writes each category to its own file as JSON lines with level, time and category', async () => {
    const dir = join(root, 'logs');
    const loggers = createLoggers({ logs: logsIn(dir), secrets: [] });
    for (const category of LOG_CATEGORIES) loggers[category].info({ runId: 'run_1' }, `${category} line`);
    await loggers.close();
    expect(readdirSync(dir).sort()).toEqual(LOG_CATEGORIES.map((c) => `${c}.log`).sort());
    for (const category of LOG_CATEGORIES) {
      const [line, ...rest] = readLines(join(dir, `${category}.log`));
      expect(rest).toEqual([]);
      expect(line).toMatchObject({ level: 'info', category, runId: 'run_1', msg: `${category} line` });
      expect(Number.isNaN(Date.parse(String(line?.time)))).toBe(false);
    }
  });

  it('creates nothing at level silent', async () => {
    const dir = join(root, 'logs');
    const loggers = createLoggers({ logs: logsIn(dir, 'silent'), secrets: [] });
    loggers.error.error('nobody hears this');
    await loggers.close();
    expect(existsSync(dir)).toBe(false);
  });

  it('honours the level: below it nothing is written', async () => {
    const dir = join(root, 'logs');
    const loggers = createLoggers({ logs: logsIn(dir, 'warn'), secrets: [] });
    loggers.agent.info('quiet');
    loggers.agent.warn('loud');
    await loggers.close();
    expect(readLines(join(dir, 'agent.log')).map((line) => line.msg)).toEqual(['loud']);
  });

  it('redacts every path into a line: message, fields, child bindings, errors, secret-named keys', async () => {
    const dir = join(root, 'logs');
    const secret = 'cfg-secret-4f2a9b';
    const loggers = createLoggers({ logs: logsIn(dir), secrets: [secret] });
    loggers.llm.info(
      { request: { headers: { Authorization: `Bearer ${secret}` } } },
      `calling with ${secret}`,
    );
    loggers.llm.child({ apiKey: secret, note: `key ${secret}` }).warn('child');
    loggers.error.error({ err: new Error(`provider said: bad key ${secret}`) }, 'failed');
    loggers.audit.info({ password: 'pw-123456', token: { nested: secret } }, 'login');
    loggers.system.info(`env OPENROUTER_API_KEY=sk-or-v1-abcdef0123456789`);
    await loggers.close();
    const text = readdirSync(dir)
      .map((name) => readFileSync(join(dir, name), 'utf8'))
      .join('');
    expect(text).not.toContain(secret);
    expect(text).not.toContain('pw-123456');
    expect(text).not.toContain('sk-or-v1-abcdef0123456789');
    const [llm, child] = readLines(join(dir, 'llm.log'));
    expect(llm).toMatchObject({ request: { headers: { Authorization: '***' } }, msg: 'calling with ***' });
    expect(child).toMatchObject({ apiKey: '***', note: 'key ***', msg: 'child' });
    expect(readLines(join(dir, 'audit.log'))[0]).toMatchObject({ password: '***', token: '***' });
    expect(readLines(join(dir, 'error.log'))[0]).toMatchObject({
      err: { message: 'provider said: bad key ***' },
    });
  });

  it('rotates each category by size, keeping maxFiles rotated files', async () => {
    const dir = join(root, 'logs');
    const loggers = createLoggers({
      logs: { dir, level: 'info', maxSizeBytes: 600, maxFiles: 2 },
      secrets: [],
    });
    for (let n = 0; n < 50; n++) loggers.performance.info({ n }, 'step took a while');
    await loggers.close();
    expect(readdirSync(dir).sort()).toEqual(['performance.log', 'performance.log.1', 'performance.log.2']);
    const kept = ['performance.log.2', 'performance.log.1', 'performance.log'].flatMap((name) =>
      readLines(join(dir, name)).map((line) => line.n),
    );
    // The newest lines, in order, none missing between the oldest kept and the last.
    expect(kept.at(-1)).toBe(49);
    expect(kept).toEqual(Array.from({ length: kept.length }, (_, i) => 50 - kept.length + i));
  });
});

describe('consoleSink', () => {
  const line = `${JSON.stringify({ level: 'warn', time: '2026-01-01T00:00:00.000Z', pid: 1, hostname: 'h', category: 'llm', runId: 'r1', msg: 'slow call' })}\n`;

  it('passes JSON lines through when stderr is not a terminal', () => {
    let out = '';
    consoleSink({ write: (text: string) => (out += text), isTTY: false })(line);
    expect(out).toBe(line);
  });

  it('prints a readable line with the level, category and message on a terminal', () => {
    let out = '';
    consoleSink({ write: (text: string) => (out += text), isTTY: true })(line);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: colours may be on; strip them
    const plain = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(plain).toContain('WARN');
    expect(plain).toContain('[llm] slow call');
    expect(plain).toContain('"runId":"r1"');
    expect(plain).not.toContain('"category"');
  });
});
