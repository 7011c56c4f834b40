import { isAbsolute, relative } from 'node:path';
import { z } from 'zod';
import { isAgentMeshError } from '../../errors/index.js';
import { type NoteHit, NotesIndex, type NotesSyncReport } from '../../memory/notes-index.js';
import { defineTool, type ToolDefinition } from '../tool.js';
import { toolFailed } from './tool-errors.js';

/** A chunk up to this long is shown whole; a longer one by its snippet. */
const WHOLE_CHUNK_MAX_CHARS = 1_200;
/** Most passages one call returns. */
export const SEARCH_NOTES_MAX_LIMIT = 20;

const searchNotesArgs = z.object({
  query: z
    .string()
    .min(1)
    .max(500)
    .describe('Words to look for, e.g. "rollback migration"; put an exact phrase in double quotes.'),
  limit: z
    .number()
    .int()
    .min(1)
    .max(SEARCH_NOTES_MAX_LIMIT)
    .optional()
    .describe('How many passages to return, best first. Default 5.'),
});

/** Where the notes are and where their index lives; the index is opened on first use. */
export interface NotesSource {
  /** Absolute paths, directories or globs (`tools.notes`). */
  notes: readonly string[];
  /** `tools.notesIndexPath`. */
  indexPath: string;
}

/** The notes index shared by the calls of one run: opened lazily, synced before each search. */
export class LazyNotesIndex {
  private index: NotesIndex | null = null;
  private syncing: Promise<NotesSyncReport> | null = null;

  constructor(readonly source: NotesSource) {}

  /** Syncs the index with the notes (one sync at a time; a call arriving during one shares it) and searches. */
  async search(query: string, limit: number): Promise<{ hits: NoteHit[]; report: NotesSyncReport }> {
    this.index ??= NotesIndex.open(this.source.indexPath);
    const index = this.index;
    this.syncing ??= index.sync(this.source.notes).finally(() => {
      this.syncing = null;
    });
    const report = await this.syncing;
    return { hits: index.search(query, limit), report };
  }

  /** Closes the index file; safe to call twice. */
  close(): void {
    this.index?.close();
    this.index = null;
  }
}

/** `search_notes`: BM25-ranked passages from the user's notes, each cited as `path:start-end`. */
export function searchNotesTool(
  index: LazyNotesIndex,
  {
    displayRoot = process.cwd(),
  }: { /** Cited paths are shown relative to this when inside it. */ displayRoot?: string } = {},
): ToolDefinition<z.infer<typeof searchNotesArgs>> {
  return defineTool({
    name: 'search_notes',
    description:
      "Full-text search over the user's notes and documents (ranked by relevance). Returns the best passages, " +
      'each cited as path:startLine-endLine; cite them when you use them. Use specific words, not questions.',
    parameters: searchNotesArgs,
    sideEffects: false,
    source: 'builtin',
    async execute({ query, limit = 5 }) {
      if (index.source.notes.length === 0) {
        throw toolFailed(
          'search_notes has no notes to search; the user must list files or folders under tools.notes.',
        );
      }
      let found: Awaited<ReturnType<LazyNotesIndex['search']>>;
      try {
        found = await index.search(query, limit);
      } catch (error) {
        if (isAgentMeshError(error)) throw error;
        const why = error instanceof Error ? error.message : String(error);
        throw toolFailed(
          `The notes index could not be read or updated (${why}); try again, or answer without notes.`,
          {},
          error,
        );
      }
      const { hits, report } = found;
      if (report.files === 0) {
        throw toolFailed(
          'tools.notes names no readable files, so there is nothing to search; answer without notes.',
          {
            unmatched: report.unmatched,
          },
        );
      }
      if (hits.length === 0) {
        return `No passages match "${query}" in ${report.files} note files; try other or fewer words.`;
      }
      const passages = hits.map((hit, i) => `[${i + 1}] ${citation(hit, displayRoot)}\n${passageText(hit)}`);
      return [
        `${hits.length} passages for "${query}" (${report.files} note files searched):`,
        ...passages,
      ].join('\n\n');
    },
  });
}

/** `notes/deploy.md:3-9`: relative to the display root when inside it. */
function citation(hit: NoteHit, displayRoot: string): string {
  const inside = relative(displayRoot, hit.path);
  const outside = inside === '..' || inside.startsWith('../') || isAbsolute(inside);
  const path = outside ? hit.path : inside;
  return `${path}:${hit.startLine}-${hit.endLine}`;
}

function passageText(hit: NoteHit): string {
  return hit.text.length <= WHOLE_CHUNK_MAX_CHARS ? hit.text : hit.snippet.trim();
}
