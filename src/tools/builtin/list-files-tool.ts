import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tool.js';
import { fileSystemFailure, toolFailed } from './tool-errors.js';
import { resolveForRead } from './workspace-path.js';

/** The most entries `list_files` shows in one answer. */
export const LIST_FILES_MAX_ENTRIES = 1_000;

/** Folders a recursive listing names but does not walk into: large, and rarely what the task is about. */
const NOT_WALKED = new Set(['.git', 'node_modules', '__pycache__', '.venv']);

const listFilesArgs = z.object({
  path: z
    .string()
    .optional()
    .describe('Directory to list, relative to the workspace root. Default: the workspace root.'),
  recursive: z
    .boolean()
    .optional()
    .describe('Also list everything below subdirectories (not inside .git or node_modules). Default false.'),
});

/** `list_files`: the entries of a workspace directory, directories marked with `/`, files with sizes. */
export function listFilesTool(): ToolDefinition<z.infer<typeof listFilesArgs>> {
  return defineTool({
    name: 'list_files',
    description:
      'List the files and directories in the workspace (or one of its directories). Directories end in "/", ' +
      `files show their size, symbolic links end in "@". At most ${LIST_FILES_MAX_ENTRIES} entries.`,
    parameters: listFilesArgs,
    sideEffects: false,
    source: 'builtin',
    async execute({ path = '.', recursive = false }, context) {
      const target = await resolveForRead(context.workspace, path);
      try {
        if (!(await stat(target.real)).isDirectory()) {
          throw toolFailed(`"${target.shown}" is a file, not a directory; call read_file to read it.`, {
            path: target.shown,
          });
        }
        const lines: string[] = [];
        const more = await listInto(lines, target.real, '', recursive);
        const prefix = target.shown === '.' ? '' : `${target.shown}/`;
        const header = `${target.shown === '.' ? 'workspace root' : `"${target.shown}"`}:`;
        if (lines.length === 0) return `${header} (empty)`;
        const shown = lines.map((line) => `${prefix}${line}`);
        const note = more ? [`[more entries not shown; list a subdirectory to see the rest]`] : [];
        return [header, ...shown, ...note].join('\n');
      } catch (error) {
        throw fileSystemFailure(error, 'list', target.shown);
      }
    },
  });
}

/** Appends `dir`'s entries (sorted, relative to the listed directory) to `lines`; true when some did not fit. */
async function listInto(
  lines: string[],
  dir: string,
  relative: string,
  recursive: boolean,
): Promise<boolean> {
  // Code-point order, the same on every machine (localeCompare depends on the locale).
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    if (lines.length >= LIST_FILES_MAX_ENTRIES) return true;
    const name = `${relative}${entry.name}`;
    lines.push(await describe(entry, dir, name));
    // Links are never followed: a link to a folder outside must not be walked.
    if (recursive && entry.isDirectory() && !NOT_WALKED.has(entry.name)) {
      if (await listInto(lines, join(dir, entry.name), `${name}/`, recursive)) return true;
    }
  }
  return false;
}

async function describe(entry: Dirent, dir: string, name: string): Promise<string> {
  if (entry.isDirectory()) return `${name}/`;
  if (entry.isSymbolicLink()) return `${name}@`;
  if (!entry.isFile()) return `${name} (special file)`;
  const { size } = await stat(join(dir, entry.name));
  return `${name} (${size} bytes)`;
}
