import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentMeshError } from '../../errors/index.js';
import type { ToolContext } from '../tool.js';
import { LazyNotesIndex, type NotesSource, searchNotesTool } from './search-notes-tool.js';

const context: ToolContext = {
  runId: 'run-1',
  stepId: 'researcher',
  agentId: 'researcher',
  idempotencyKey: 'run-1/researcher#0',
  workspace: '/nonexistent',
  signal: new AbortController().signal,
};

describe('search_notes', () => {
  let dir: string;
  let source: NotesSource;
  let index: LazyNotesIndex;
  const tool = (from = index) => searchNotesTool(from, { displayRoot: dir });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-search-notes-'));
    mkdirSync(join(dir, 'notes'));
    writeFileSync(
      join(dir, 'notes', 'deploy.md'),
      '# Deploy\nRollback: redeploy the previous tag.\nThen tell the team.\n\nLunch is at noon,\nin the canteen,\nevery day.\n',
    );
    writeFileSync(join(dir, 'notes', 'long.md'), `${'filler words here '.repeat(100)}rollback needle\n`);
    source = { notes: [join(dir, 'notes', '*.md')], indexPath: join(dir, 'notes.db') };
    index = new LazyNotesIndex(source);
  });
  afterEach(() => {
    index.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('returns cited passages, short chunks whole and long ones by their snippet', async () => {
    const output = (await tool().execute({ query: 'rollback' }, context)) as string;
    const [header, first, second] = output.split('\n\n');
    expect(header).toBe('2 passages for "rollback" (2 note files searched):');
    expect(first).toBe(
      '[1] notes/deploy.md:1-3\n# Deploy\nRollback: redeploy the previous tag.\nThen tell the team.',
    );
    expect(second).toMatch(/^\[2\] notes\/long\.md:1-1\n… filler words.* \*\*rollback\*\* needle$/);
    expect(second!.length).toBeLessThan(400);
  });

  it('sees a note written after the first search, and keeps the limit', async () => {
    await tool().execute({ query: 'rollback' }, context);
    writeFileSync(join(dir, 'notes', 'new.md'), 'Rollback drills happen on Fridays.\n');
    const output = (await tool().execute({ query: 'rollback', limit: 1 }, context)) as string;
    expect(output.startsWith('1 passages for "rollback" (3 note files searched):')).toBe(true);
    const all = (await tool().execute({ query: 'rollback drills' }, context)) as string;
    expect(all).toContain('[1] notes/new.md:1-1\nRollback drills happen on Fridays.');
  });

  it('shares one sync between parallel calls', async () => {
    const outputs = await Promise.all([1, 2, 3].map(() => tool().execute({ query: 'lunch' }, context)));
    for (const output of outputs)
      expect(output).toContain('notes/deploy.md:5-7\nLunch is at noon,\nin the canteen,\nevery day.');
  });

  it('says when nothing matches, and never fails on odd query syntax', async () => {
    expect(await tool().execute({ query: 'kubernetes' }, context)).toBe(
      'No passages match "kubernetes" in 2 note files; try other or fewer words.',
    );
    expect(await tool().execute({ query: 'NEAR("x" AND *' }, context)).toContain('No passages match');
  });

  it('fails clearly when the notes name no files, and when there are no notes', async () => {
    const empty = new LazyNotesIndex({ ...source, notes: [join(dir, 'missing', '*.md')] });
    const none = (await tool(empty)
      .execute({ query: 'x' }, context)
      .catch((error) => error)) as AgentMeshError;
    expect(none.code).toBe('tool_failed');
    expect(none.message).toContain('tools.notes names no readable files');
    empty.close();
    const unset = (await tool(new LazyNotesIndex({ ...source, notes: [] }))
      .execute({ query: 'x' }, context)
      .catch((error) => error)) as AgentMeshError;
    expect(unset.message).toContain('tools.notes');
  });

  it('fails as a tool error when the index cannot be opened', async () => {
    writeFileSync(join(dir, 'blocker'), '');
    const broken = new LazyNotesIndex({ ...source, indexPath: join(dir, 'blocker', 'notes.db') });
    const error = (await tool(broken)
      .execute({ query: 'x' }, context)
      .catch((caught) => caught)) as AgentMeshError;
    expect(error.code).toBe('tool_failed');
    expect(error.message).toMatch(/^The notes index could not be read or updated/);
  });
});
