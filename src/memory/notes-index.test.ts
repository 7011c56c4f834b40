import { mkdirSync, mkdtempSync, rmSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_NOTE_BYTES, NOTES_SCHEMA_VERSION, NotesIndex } from './notes-index.js';

describe('NotesIndex', () => {
  let dir: string;
  let notes: string;
  let index: NotesIndex;
  const write = (path: string, text: string) => {
    mkdirSync(join(notes, path, '..'), { recursive: true });
    writeFileSync(join(notes, path), text);
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-notes-'));
    notes = join(dir, 'notes');
    write(
      'deploy.md',
      [
        '# Deploying',
        '',
        'Run the migration before switching traffic.',
        'Rollback: redeploy the previous image tag.',
        '',
        'Unrelated paragraph about lunch.',
      ].join('\n'),
    );
    write('team/oncall.txt', 'The on-call engineer owns rollback decisions.\nPage them first.\n');
    index = NotesIndex.open(join(dir, 'index', 'notes.db'));
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('indexes a directory and returns cited chunks ranked by BM25', async () => {
    expect(await index.sync([notes])).toEqual({
      files: 2,
      indexed: 2,
      removed: 0,
      skipped: [],
      unmatched: [],
    });
    const hits = index.search('how do I rollback the deploy migration', 5);
    expect(hits.map((hit) => [hit.path, hit.startLine, hit.endLine])).toEqual([
      [join(notes, 'deploy.md'), 1, 4],
      [join(notes, 'team/oncall.txt'), 1, 2],
    ]);
    expect(hits[0]!.text).toBe(
      '# Deploying\n\nRun the migration before switching traffic.\nRollback: redeploy the previous image tag.',
    );
    expect(hits[0]!.snippet).toContain('**migration**');
    expect(hits[0]!.score).toBeLessThan(hits[1]!.score);
    expect(index.search('lunch', 5).map((hit) => [hit.startLine, hit.endLine])).toEqual([[6, 6]]);
  });

  it('stems words (porter) and ignores case and accents', async () => {
    await index.sync([notes]);
    expect(index.search('DEPLOYS', 1)[0]?.path).toBe(join(notes, 'deploy.md'));
    write('cafe.md', 'Le café est fermé.');
    await index.sync([notes]);
    expect(index.search('cafe ferme', 1)[0]?.path).toBe(join(notes, 'cafe.md'));
  });

  it.each([
    'AND',
    'NEAR(',
    '"unbalanced',
    'a:b* OR -c ^d',
    'rollback)',
    '"" ""',
    "'; DROP TABLE chunks; --",
    '{col}: x',
  ])('never fails on FTS5 syntax in a query: %s', async (query) => {
    await index.sync([notes]);
    expect(() => index.search(query, 3)).not.toThrow();
  });

  it('finds a quoted phrase as a phrase, and nothing for a query without words', async () => {
    await index.sync([notes]);
    expect(index.search('"previous image"', 5)).toHaveLength(1);
    expect(index.search('"image previous"', 5)).toHaveLength(0);
    expect(index.search('?! …', 5)).toEqual([]);
  });

  it('re-reads only changed files, and drops deleted ones', async () => {
    await index.sync([notes]);
    expect(await index.sync([notes])).toMatchObject({ files: 2, indexed: 0, removed: 0 });
    write('team/oncall.txt', 'Escalate to the platform lead.\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(join(notes, 'team/oncall.txt'), later, later);
    expect(await index.sync([notes])).toMatchObject({ indexed: 1, removed: 0 });
    expect(index.search('engineer', 5)).toEqual([]);
    expect(index.search('platform', 5)).toHaveLength(1);
    rmSync(join(notes, 'deploy.md'));
    expect(await index.sync([notes])).toMatchObject({ files: 1, indexed: 0, removed: 1 });
    expect(index.search('rollback', 5)).toEqual([]);
    expect(index.fileCount()).toBe(1);
  });

  it('drops files the patterns no longer name, and reports patterns that name nothing', async () => {
    await index.sync([notes]);
    const report = await index.sync([join(notes, 'team', '*.txt'), join(dir, 'missing', '*.md')]);
    expect(report).toMatchObject({ files: 1, removed: 1, unmatched: [join(dir, 'missing', '*.md')] });
    expect(index.search('rollback', 5).map((hit) => hit.path)).toEqual([join(notes, 'team/oncall.txt')]);
  });

  it('expands globs with ** and braces, skipping hidden entries and node_modules', async () => {
    write('a/b/c/deep.md', 'needle deep');
    write('a/top.rst', 'needle top');
    write('a/skip.bin.txt', 'needle txt');
    write('.hidden/secret.md', 'needle hidden');
    write('node_modules/pkg/readme.md', 'needle dependency');
    write('a/.dot.md', 'needle dot');
    await index.sync([join(notes, '**', '*.{md,rst}')]);
    const paths = index.search('needle', 10).map((hit) => hit.path.slice(notes.length + 1));
    expect(paths.sort()).toEqual(['a/b/c/deep.md', 'a/top.rst']);
    await index.sync([join(notes, 'a', '*')]);
    const shallow = index.search('needle', 10).map((hit) => hit.path.slice(notes.length + 1));
    expect(shallow.sort()).toEqual(['a/skip.bin.txt', 'a/top.rst']);
  });

  it('follows links to files but not links to folders', async () => {
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, 'linked.md'), 'linked needle');
    symlinkSync(join(elsewhere, 'linked.md'), join(notes, 'file-link.md'));
    symlinkSync(elsewhere, join(notes, 'dir-link'));
    symlinkSync(notes, join(notes, 'loop'));
    await index.sync([notes]);
    expect(index.search('needle', 10).map((hit) => hit.path)).toEqual([join(notes, 'file-link.md')]);
  });

  it('skips binary and oversized files without re-reading them every sync', async () => {
    write('image.png', '\u0000\u0001binary needle');
    write('huge.log', `needle ${'x'.repeat(MAX_NOTE_BYTES)}`);
    const first = await index.sync([notes]);
    expect(first.skipped.sort()).toEqual([join(notes, 'huge.log'), join(notes, 'image.png')]);
    expect(index.search('needle', 5)).toEqual([]);
    expect(await index.sync([notes])).toMatchObject({ indexed: 0, skipped: [] });
  });

  it('keeps its index across reopening, and rebuilds a file of another schema version', async () => {
    await index.sync([notes]);
    index.close();
    index = NotesIndex.open(join(dir, 'index', 'notes.db'));
    expect(index.search('rollback', 5)).toHaveLength(2);
    index.close();
    const raw = new Database(join(dir, 'index', 'notes.db'));
    raw.pragma(`user_version = ${NOTES_SCHEMA_VERSION + 1}`);
    raw.close();
    index = NotesIndex.open(join(dir, 'index', 'notes.db'));
    expect(index.fileCount()).toBe(0);
    expect(await index.sync([notes])).toMatchObject({ indexed: 2 });
  });
});
