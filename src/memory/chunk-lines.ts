/** A piece of a document that is indexed and cited on its own. */
export interface LineChunk {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The lines `startLine`..`endLine`, joined with `\n`. */
  text: string;
}

/** Longest chunk, in lines: a long paragraph (or a file without blank lines) is cut into pieces this long. */
export const MAX_CHUNK_LINES = 40;
/** A chunk with fewer non-blank lines than this (a heading, a one-liner) takes in the next paragraph. */
const MIN_CHUNK_LINES = 3;

/**
 * Splits a document into chunks along paragraphs (runs of non-blank lines), so a citation points at a
 * few lines rather than a whole file. Short paragraphs join the next one (a heading stays with its
 * text) as long as the chunk stays within {@link MAX_CHUNK_LINES}; blank-only documents have none.
 */
export function chunkLines(text: string): LineChunk[] {
  const lines = text.split(/\r?\n/);
  const chunks: Array<{ start: number; end: number; filled: number }> = [];
  for (const paragraph of paragraphs(lines)) {
    const last = chunks.at(-1);
    const length = paragraph.end - paragraph.start + 1;
    if (last && last.filled < MIN_CHUNK_LINES && paragraph.end - last.start + 1 <= MAX_CHUNK_LINES) {
      last.end = paragraph.end;
      last.filled += length;
      continue;
    }
    for (let start = paragraph.start; start <= paragraph.end; start += MAX_CHUNK_LINES) {
      const end = Math.min(paragraph.end, start + MAX_CHUNK_LINES - 1);
      chunks.push({ start, end, filled: end - start + 1 });
    }
  }
  return chunks.map(({ start, end }) => ({
    startLine: start + 1,
    endLine: end + 1,
    text: lines.slice(start, end + 1).join('\n'),
  }));
}

/** 0-based inclusive ranges of consecutive non-blank lines. */
function paragraphs(lines: readonly string[]): Array<{ start: number; end: number }> {
  const found: Array<{ start: number; end: number }> = [];
  let start = -1;
  lines.forEach((line, index) => {
    const blank = line.trim() === '';
    if (!blank && start === -1) start = index;
    if (blank && start !== -1) {
      found.push({ start, end: index - 1 });
      start = -1;
    }
  });
  if (start !== -1) found.push({ start, end: lines.length - 1 });
  return found;
}
