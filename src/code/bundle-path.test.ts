import { describe, expect, it } from 'vitest';
import { checkBundlePath, looksLikeFilePath, normaliseBundlePath } from './bundle-path.js';

describe('normaliseBundlePath', () => {
  it.each([
    ['src/app.py', 'src/app.py'],
    ['./src/app.py', 'src/app.py'],
    ['././a.py', 'a.py'],
    ['src//lib///a.py', 'src/lib/a.py'],
    ['src\\lib\\a.py', 'src/lib/a.py'],
    ['src/./a.py', 'src/a.py'],
    ['src/x/../a.py', 'src/a.py'],
    ['  a.py  ', 'a.py'],
    ['.github/workflows/ci.yml', '.github/workflows/ci.yml'],
    ['..a.py', '..a.py'],
    ['../a.py', null],
    ['src/../../a.py', null],
    ['..', null],
    ['..\\..\\a.py', null],
    ['/etc/passwd', null],
    ['C:\\Windows\\a.py', null],
    ['c:/a.py', null],
    ['C:a.py', null],
    ['\\\\server\\share\\a.py', null],
    ['//server/a.py', null],
    ['~/.ssh/id_rsa', null],
    ['a\u0000.py', null],
    ['a\nb.py', null],
    ['', null],
    ['   ', null],
    ['.', null],
    ['./', null],
    ['src/', null],
    ['a/..', null],
    ['x'.repeat(600), null],
  ])('%j -> %j', (input, expected) => {
    expect(normaliseBundlePath(input)).toBe(expected);
  });

  it('says why a path is refused', () => {
    expect(checkBundlePath('../a.py')).toEqual({ ok: false, reason: expect.stringContaining("'..'") });
    expect(checkBundlePath('/a.py')).toEqual({ ok: false, reason: expect.stringContaining('absolute') });
  });
});

describe('looksLikeFilePath', () => {
  it.each([
    ['src/app.py', true],
    ['.env', true],
    ['Dockerfile', true],
    ['../x.py', true],
    ['C:\\x.py', true],
    ['3.11', false],
    ['pytest', false],
    ['https://example.com/a.py', false],
    ['a b.py', false],
    ['', false],
  ])('%j -> %j', (input, expected) => {
    expect(looksLikeFilePath(input)).toBe(expected);
  });
});
