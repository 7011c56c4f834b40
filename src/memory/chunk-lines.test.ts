import { describe, expect, it } from 'vitest';
import { chunkLines, MAX_CHUNK_LINES } from './chunk-lines.js';

describe('chunkLines', () => {
  it('cuts along paragraphs, keeping a heading with the text under it', () => {
    const text = '# Title\n\nFirst line.\nSecond line.\nThird line.\n\n\nNext paragraph a.\nb.\nc.\n';
    expect(chunkLines(text)).toEqual([
      { startLine: 1, endLine: 5, text: '# Title\n\nFirst line.\nSecond line.\nThird line.' },
      { startLine: 8, endLine: 10, text: 'Next paragraph a.\nb.\nc.' },
    ]);
  });

  it('cuts a paragraph longer than the maximum into pieces of at most that many lines', () => {
    const lines = Array.from({ length: MAX_CHUNK_LINES * 2 + 5 }, (_, i) => `line ${i + 1}`);
    const chunks = chunkLines(lines.join('\r\n'));
    expect(chunks.map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 40],
      [41, 80],
      [81, 85],
    ]);
    expect(chunks[2]!.text).toBe('line 81\nline 82\nline 83\nline 84\nline 85');
  });

  it('does not merge a short paragraph into a chunk that would pass the maximum', () => {
    const long = Array.from({ length: MAX_CHUNK_LINES }, () => 'x').join('\n');
    expect(chunkLines(`heading\n\n${long}`).map((chunk) => [chunk.startLine, chunk.endLine])).toEqual([
      [1, 1],
      [3, 42],
    ]);
  });

  it('has no chunks for an empty or blank document', () => {
    expect(chunkLines('')).toEqual([]);
    expect(chunkLines('\n   \n\t\n')).toEqual([]);
  });
});
