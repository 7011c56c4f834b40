import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RotatingFile } from './rotating-file.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmesh-rotate-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** `line 007\n`-style lines, 9 bytes each. */
const line = (n: number) => `line ${String(n).padStart(3, '0')}\n`;
const linesOf = (path: string) =>
  existsSync(path) ? readFileSync(path, 'utf8').split('\n').filter(Boolean) : [];

describe('RotatingFile', () => {
  it('creates its directory and file only at the first write', () => {
    const path = join(dir, 'deep', 'logs', 'agent.log');
    const file = new RotatingFile({ path, maxSizeBytes: 1000, maxFiles: 2 });
    expect(existsSync(join(dir, 'deep'))).toBe(false);
    file.write(line(1));
    file.close();
    expect(readFileSync(path, 'utf8')).toBe(line(1));
  });

  it('rotates by size: the live file and maxFiles rotated ones, newest first, none past the limit', () => {
    const path = join(dir, 'llm.log');
    const file = new RotatingFile({ path, maxSizeBytes: 30, maxFiles: 2 }); // 3 lines per file
    for (let n = 1; n <= 11; n++) file.write(line(n));
    file.close();
    expect(readdirSync(dir).sort()).toEqual(['llm.log', 'llm.log.1', 'llm.log.2']);
    expect(linesOf(`${path}.2`)).toEqual(['line 004', 'line 005', 'line 006']);
    expect(linesOf(`${path}.1`)).toEqual(['line 007', 'line 008', 'line 009']);
    expect(linesOf(path)).toEqual(['line 010', 'line 011']);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(30);
  });

  it('counts what an earlier process left in the file', () => {
    const path = join(dir, 'system.log');
    writeFileSync(path, line(1) + line(2) + line(3));
    const file = new RotatingFile({ path, maxSizeBytes: 30, maxFiles: 1 });
    file.write(line(4));
    file.close();
    expect(linesOf(`${path}.1`)).toEqual(['line 001', 'line 002', 'line 003']);
    expect(linesOf(path)).toEqual(['line 004']);
  });

  it('writes a line longer than the limit whole, in a file of its own', () => {
    const path = join(dir, 'error.log');
    const file = new RotatingFile({ path, maxSizeBytes: 10, maxFiles: 3 });
    const long = `${'x'.repeat(50)}\n`;
    file.write(line(1));
    file.write(long);
    file.write(line(2));
    file.close();
    expect(readFileSync(`${path}.2`, 'utf8')).toBe(line(1));
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(long);
    expect(readFileSync(path, 'utf8')).toBe(line(2));
  });

  it('loses no line when two writers (two processes) share and rotate one file', () => {
    const path = join(dir, 'agent.log');
    const a = new RotatingFile({ path, maxSizeBytes: 40, maxFiles: 100 });
    const b = new RotatingFile({ path, maxSizeBytes: 40, maxFiles: 100 });
    for (let n = 1; n <= 60; n++) (n % 3 === 0 ? b : a).write(line(n));
    a.close();
    b.close();
    const all = readdirSync(dir).flatMap((name) => linesOf(join(dir, name)));
    expect(all.sort()).toEqual(Array.from({ length: 60 }, (_, i) => line(i + 1).trim()));
  });

  it('reports a file it cannot write once and drops later lines without throwing', () => {
    writeFileSync(join(dir, 'not-a-dir'), '');
    const errors: Error[] = [];
    const file = new RotatingFile({
      path: join(dir, 'not-a-dir', 'audit.log'),
      maxSizeBytes: 100,
      maxFiles: 1,
      onError: (error) => errors.push(error),
    });
    file.write(line(1));
    file.write(line(2));
    expect(errors).toHaveLength(1);
    expect((errors[0] as NodeJS.ErrnoException).code).toMatch(/^E(EXIST|NOTDIR)$/);
  });
});
