/**
 * Notes search: `NotesIndex` (SQLite FTS5, BM25) over 10,000 generated notes in a temp dir. Reports the
 * time to build the index from nothing, a re-sync with nothing changed (the stat sweep `search_notes`
 * does before each search), and p50/p99 of `search` over 2,000 one-to-three-word queries after a
 * warm-up. The text is generated from a seeded generator, so every run indexes the same notes.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NotesIndex } from '../src/memory/notes-index.js';
import { seededRandom } from '../src/sim/seeded-random.js';
import { median, percentile } from './support.js';

const DOCUMENTS = Number(process.env.BENCH_NOTES_DOCUMENTS ?? 10_000);
const QUERIES = Number(process.env.BENCH_NOTES_QUERIES ?? 2_000);
const WARMUP = 200;
const VOCABULARY_SIZE = 5_000;
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'su', 'ra', 'to', 'vi', 'de', 'po', 'an', 'er', 'is', 'ul', 'om'];

function vocabulary(random: () => number): string[] {
  const words = new Set<string>();
  while (words.size < VOCABULARY_SIZE) {
    const length = 2 + Math.floor(random() * 3);
    words.add(Array.from({ length }, () => SYLLABLES[Math.floor(random() * SYLLABLES.length)]).join(''));
  }
  return [...words];
}

/** A word with a skewed (Zipf-like) frequency: a few words are everywhere, most are rare, as in prose. */
function word(words: readonly string[], random: () => number): string {
  return words[Math.floor(words.length * random() ** 3)]!;
}

/** A markdown note: a heading and 2–5 paragraphs of 2–6 lines of 6–14 words (about 0.5–3 KB). */
function note(index: number, words: readonly string[], random: () => number): string {
  const line = () =>
    Array.from({ length: 6 + Math.floor(random() * 9) }, () => word(words, random)).join(' ');
  const paragraph = () => Array.from({ length: 2 + Math.floor(random() * 5) }, line).join('\n');
  const paragraphs = Array.from({ length: 2 + Math.floor(random() * 4) }, paragraph);
  return `# Note ${index}: ${word(words, random)} ${word(words, random)}\n\n${paragraphs.join('\n\n')}\n`;
}

async function writeNotes(dir: string, words: readonly string[], random: () => number): Promise<void> {
  // 100 notes per folder, as a real notes tree is split up.
  for (let folder = 0; folder < Math.ceil(DOCUMENTS / 100); folder++) {
    const path = join(dir, `folder-${folder}`);
    await mkdir(path, { recursive: true });
    const count = Math.min(100, DOCUMENTS - folder * 100);
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        writeFile(join(path, `note-${i}.md`), note(folder * 100 + i, words, random)),
      ),
    );
  }
}

/** Runs the benchmark and returns its report lines. */
export async function notesSearch(): Promise<{ name: string; lines: string[] }> {
  const name = 'notes search';
  const random = seededRandom(20_260_817);
  const words = vocabulary(random);
  const dir = await mkdtemp(join(tmpdir(), 'agentmesh-bench-notes-'));
  const notesDir = join(dir, 'notes');
  const times: number[] = [];
  let buildMs = 0;
  let resyncMs = 0;
  let chunks = 0;
  let hits = 0;
  try {
    await writeNotes(notesDir, words, random);
    const index = NotesIndex.open(join(dir, 'notes.db'));
    try {
      let start = performance.now();
      const built = await index.sync([join(notesDir, '**', '*.md')]);
      buildMs = performance.now() - start;
      if (built.indexed !== DOCUMENTS)
        throw new Error(`notes bench: indexed ${built.indexed} of ${DOCUMENTS}`);
      start = performance.now();
      const again = await index.sync([join(notesDir, '**', '*.md')]);
      resyncMs = performance.now() - start;
      if (again.indexed !== 0)
        throw new Error('notes bench: a re-sync with nothing changed re-indexed files');
      chunks = index.chunkCount();
      for (let i = 0; i < WARMUP + QUERIES; i++) {
        const terms = 1 + Math.floor(random() * 3);
        const query = Array.from({ length: terms }, () => word(words, random)).join(' ');
        start = performance.now();
        const found = index.search(query, 5);
        const elapsed = performance.now() - start;
        if (i >= WARMUP) {
          times.push(elapsed);
          hits += found.length;
        }
      }
    } finally {
      index.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return {
    name,
    lines: [
      `${name}: NotesIndex (SQLite FTS5, BM25) over ${DOCUMENTS} generated notes (${chunks} chunks), ${QUERIES} queries of 1-3 words after ${WARMUP} warm-up, top 5`,
      `  build      ${(buildMs / 1000).toFixed(2)} s  (${((buildMs * 1000) / DOCUMENTS).toFixed(0)} µs per note: glob, read, chunk, insert)`,
      `  re-sync    ${resyncMs.toFixed(1)} ms  (nothing changed: the stat sweep before every search_notes call)`,
      `  search     p50 ${median(times).toFixed(3)} ms, p99 ${percentile(times, 0.99).toFixed(3)} ms, max ${Math.max(...times).toFixed(3)} ms  (${(hits / QUERIES).toFixed(1)} hits per query)`,
    ],
  };
}
