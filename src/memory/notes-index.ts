import { open as openFile } from 'node:fs/promises';
import type Database from 'better-sqlite3';
import { closeWalDatabase, openWalDatabase } from '../store/sqlite/open-wal-database.js';
import { chunkLines, type LineChunk } from './chunk-lines.js';
import { toFtsQuery } from './fts-query.js';
import { expandNotePatterns, type NoteFile } from './note-files.js';

/** One cited passage of a note. */
export interface NoteHit {
  /** Absolute path of the note. */
  path: string;
  /** 1-based, inclusive: the chunk the match lies in. */
  startLine: number;
  endLine: number;
  /** The chunk's lines. */
  text: string;
  /** FTS5's `snippet()`: about 32 words around the match, matched words in `**`. */
  snippet: string;
  /** BM25 (FTS5's sign: lower is better). */
  score: number;
}

/** What one {@link NotesIndex.sync} did. */
export interface NotesSyncReport {
  /** Files the patterns name now. */
  files: number;
  /** New or changed files (re)indexed. */
  indexed: number;
  /** Files dropped: deleted, or no longer named by the patterns. */
  removed: number;
  /** Files not indexed: binary, or larger than {@link MAX_NOTE_BYTES}. */
  skipped: string[];
  /** Patterns that named no file. */
  unmatched: string[];
}

/** Notes larger than this are not indexed (a log or a data dump, not notes). */
export const MAX_NOTE_BYTES = 2_000_000;
/** The index file's schema; it holds nothing that cannot be rebuilt, so another version is rebuilt. */
export const NOTES_SCHEMA_VERSION = 1;
/** Files (re)indexed per write transaction: big enough to be fast, small enough not to hold the lock long. */
const FILES_PER_TRANSACTION = 500;
/** Notes read at once: enough to keep the file system busy, few enough not to hold many files open. */
const READ_CONCURRENCY = 16;

const SCHEMA = `
  DROP TABLE IF EXISTS chunks_fts;
  DROP TABLE IF EXISTS chunks;
  DROP TABLE IF EXISTS files;
  CREATE TABLE files (path TEXT PRIMARY KEY, mtime_ms REAL NOT NULL, size INTEGER NOT NULL);
  CREATE TABLE chunks (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    start_line INTEGER NOT NULL,
    end_line INTEGER NOT NULL,
    body TEXT NOT NULL
  );
  CREATE INDEX chunks_by_path ON chunks (path);
  -- External content: the text is stored once (in chunks); triggers keep the full-text index in step.
  CREATE VIRTUAL TABLE chunks_fts USING fts5(
    body, content = 'chunks', content_rowid = 'id', tokenize = 'porter unicode61 remove_diacritics 2'
  );
  CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
    INSERT INTO chunks_fts (rowid, body) VALUES (new.id, new.body);
  END;
  CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
    INSERT INTO chunks_fts (chunks_fts, rowid, body) VALUES ('delete', old.id, old.body);
  END;
`;

const SQL = {
  known: 'SELECT path, mtime_ms AS mtimeMs, size FROM files',
  deleteChunks: 'DELETE FROM chunks WHERE path = ?',
  deleteFile: 'DELETE FROM files WHERE path = ?',
  insertChunk: 'INSERT INTO chunks (path, start_line, end_line, body) VALUES (?, ?, ?, ?)',
  upsertFile: `INSERT INTO files (path, mtime_ms, size) VALUES (?, ?, ?)
    ON CONFLICT (path) DO UPDATE SET mtime_ms = excluded.mtime_ms, size = excluded.size`,
  search: `SELECT c.path AS path, c.start_line AS startLine, c.end_line AS endLine, c.body AS text,
      snippet(chunks_fts, 0, '**', '**', ' … ', 32) AS snippet, bm25(chunks_fts) AS score
    FROM chunks_fts JOIN chunks c ON c.id = chunks_fts.rowid
    WHERE chunks_fts MATCH ? ORDER BY score, c.path, c.start_line LIMIT ?`,
  fileCount: 'SELECT COUNT(*) FROM files',
  chunkCount: 'SELECT COUNT(*) FROM chunks',
} as const;

type Statements = { [K in keyof typeof SQL]: Database.Statement<unknown[]> };

/** A file's new chunks, read and split before the write transaction that stores them. */
interface PendingFile {
  file: NoteFile;
  chunks: LineChunk[];
}

/**
 * The notes `search_notes` looks in: chunks of the files `tools.notes` names, in a SQLite FTS5 index
 * (its own file, WAL), ranked with BM25. {@link sync} re-reads only files whose mtime or size changed
 * and drops the ones that are gone, so calling it before every search is cheap.
 */
export class NotesIndex {
  private readonly statements: Statements;

  private constructor(private readonly db: Database.Database) {
    this.statements = Object.fromEntries(
      Object.entries(SQL).map(([name, sql]) => [name, db.prepare(sql)]),
    ) as Statements;
  }

  /** Opens (creating its folder and file) the index at `path`, or `:memory:`; rebuilds another schema version. */
  static open(path: string, { busyTimeoutMs = 5_000 }: { busyTimeoutMs?: number } = {}): NotesIndex {
    const db = openWalDatabase(path, busyTimeoutMs);
    try {
      if (db.pragma('user_version', { simple: true }) !== NOTES_SCHEMA_VERSION) {
        db.transaction(() => {
          db.exec(SCHEMA);
          db.pragma(`user_version = ${NOTES_SCHEMA_VERSION}`);
        }).immediate();
      }
      return new NotesIndex(db);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** Brings the index in line with the files `patterns` (absolute paths, directories, globs) name now. */
  async sync(patterns: readonly string[]): Promise<NotesSyncReport> {
    const { files, unmatched } = await expandNotePatterns(patterns);
    const known = new Map((this.statements.known.all() as NoteFile[]).map((row) => [row.path, row] as const));
    const changed = files.filter((file) => {
      const before = known.get(file.path);
      return before === undefined || before.mtimeMs !== file.mtimeMs || before.size !== file.size;
    });
    const current = new Set(files.map((file) => file.path));
    const gone = [...known.keys()].filter((path) => !current.has(path));
    const skipped: string[] = [];
    for (let at = 0; at < changed.length; at += FILES_PER_TRANSACTION) {
      const batch = changed.slice(at, at + FILES_PER_TRANSACTION);
      const texts = await mapConcurrently(batch, READ_CONCURRENCY, readNote);
      const pending = batch.map((file, i): PendingFile => {
        const text = texts[i] ?? null;
        if (text === null) skipped.push(file.path);
        return { file, chunks: text === null ? [] : chunkLines(text) };
      });
      this.store(pending, []);
    }
    this.store([], gone);
    return {
      files: files.length,
      indexed: changed.length - skipped.length,
      removed: gone.length,
      skipped,
      unmatched,
    };
  }

  /** The `limit` best chunks for free text `query` (never an FTS5 syntax error); none for a query without words. */
  search(query: string, limit = 5): NoteHit[] {
    const match = toFtsQuery(query);
    if (match === null) return [];
    return this.statements.search.all(match, Math.max(1, Math.floor(limit))) as NoteHit[];
  }

  /** Files in the index. */
  fileCount(): number {
    return this.statements.fileCount.pluck().get() as number;
  }

  /** Chunks in the index. */
  chunkCount(): number {
    return this.statements.chunkCount.pluck().get() as number;
  }

  /** Closes the database; closing twice is harmless. */
  close(): void {
    closeWalDatabase(this.db, (error) => (error instanceof Error ? error : new Error(String(error))));
  }

  /** One transaction: replaces the chunks of `pending` files (a skipped file is stored without chunks, so it is not read again until it changes) and drops `gone`. */
  private store(pending: readonly PendingFile[], gone: readonly string[]): void {
    if (pending.length === 0 && gone.length === 0) return;
    const { deleteChunks, deleteFile, insertChunk, upsertFile } = this.statements;
    this.db
      .transaction(() => {
        for (const { file, chunks } of pending) {
          deleteChunks.run(file.path);
          for (const chunk of chunks) insertChunk.run(file.path, chunk.startLine, chunk.endLine, chunk.text);
          upsertFile.run(file.path, file.mtimeMs, file.size);
        }
        for (const path of gone) {
          deleteChunks.run(path);
          deleteFile.run(path);
        }
      })
      .immediate();
  }
}

/** The note's text, or null when it is too large or looks binary (a NUL byte in its first 8 KB). */
async function readNote(file: NoteFile): Promise<string | null> {
  if (file.size > MAX_NOTE_BYTES) return null;
  let handle: Awaited<ReturnType<typeof openFile>>;
  try {
    handle = await openFile(file.path, 'r');
  } catch {
    return ''; // deleted since it was listed: index it as empty; the next sync drops it
  }
  try {
    const buffer = await handle.readFile();
    if (buffer.subarray(0, 8192).includes(0)) return null;
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/** `map` over `items` with at most `limit` calls in flight; results in input order. */
async function mapConcurrently<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
