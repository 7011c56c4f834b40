import { describe, expect, it } from 'vitest';
import { compileGlob, isGlob } from './glob-pattern.js';

const matches = (pattern: string, path: string) => compileGlob(pattern).regex.test(path);

describe('compileGlob', () => {
  it('starts the walk at the segments before the first wildcard', () => {
    expect(compileGlob('/home/me/notes/**/*.md')).toMatchObject({
      base: '/home/me/notes',
      maxDepth: Infinity,
    });
    expect(compileGlob('/notes/*/x-?.txt')).toMatchObject({ base: '/notes', maxDepth: 2 });
    expect(compileGlob('/*.md').base).toBe('/');
  });

  it('keeps * and ? within one segment, and lets ** span any number (none included)', () => {
    expect(matches('/n/*.md', 'a.md')).toBe(true);
    expect(matches('/n/*.md', 'sub/a.md')).toBe(false);
    expect(matches('/n/**/*.md', 'a.md')).toBe(true);
    expect(matches('/n/**/*.md', 'x/y/z/a.md')).toBe(true);
    expect(matches('/n/**', 'x/y/a.txt')).toBe(true);
    expect(matches('/n/file-?.txt', 'file-1.txt')).toBe(true);
    expect(matches('/n/file-?.txt', 'file-12.txt')).toBe(false);
  });

  it('supports classes and braces, and matches a leading dot only literally', () => {
    expect(matches('/n/[ab]*.md', 'b1.md')).toBe(true);
    expect(matches('/n/[!ab]*.md', 'b1.md')).toBe(false);
    expect(matches('/n/*.{md,txt}', 'x.txt')).toBe(true);
    expect(matches('/n/{docs,notes}/*', 'notes/x')).toBe(true);
    expect(matches('/n/*.md', '.hidden.md')).toBe(false);
    expect(matches('/n/.*.md', '.hidden.md')).toBe(true);
  });

  it('treats regex characters in names as themselves', () => {
    expect(matches('/n/a+b (1)*.md', 'a+b (1) copy.md')).toBe(true);
    expect(matches('/n/a.b*', 'aXb')).toBe(false);
    expect(isGlob('/plain/path.md')).toBe(false);
  });
});
