import { randomBytes } from 'node:crypto';
import { chmod, mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tool.js';
import { fileSystemFailure, toolFailed } from './tool-errors.js';
import { isMissing, resolveForWrite } from './workspace-path.js';

/** The largest file `write_file` writes in one call, in characters. */
export const WRITE_FILE_MAX_CHARS = 2_000_000;

const writeFileArgs = z.object({
  path: z
    .string()
    .min(1)
    .describe(
      'File to write, relative to the workspace root (e.g. "src/app.py"). Missing folders are created.',
    ),
  content: z
    .string()
    .max(WRITE_FILE_MAX_CHARS)
    .describe('The complete new content of the file (UTF-8 text). It replaces what the file held.'),
});

/** `write_file`: creates or replaces a workspace file atomically (a temp file renamed over it). */
export function writeFileTool(): ToolDefinition<z.infer<typeof writeFileArgs>> {
  return defineTool({
    name: 'write_file',
    description:
      'Create or replace a text file in the workspace with the given content (the whole file, not a diff). ' +
      'Missing parent folders are created. Returns how many bytes were written.',
    parameters: writeFileArgs,
    sideEffects: true,
    source: 'builtin',
    async execute({ path, content }, context) {
      const target = await resolveForWrite(context.workspace, path);
      const temp = join(
        dirname(target.real),
        `.${basename(target.real)}.${randomBytes(6).toString('hex')}.tmp`,
      );
      try {
        const previous = await existingMode(target.real, target.shown);
        await mkdir(dirname(target.real), { recursive: true });
        await writeFile(temp, content, { encoding: 'utf8', flag: 'wx' });
        if (previous !== null) await chmod(temp, previous);
        // rename is atomic within one file system: readers see the old file or the new one, never half.
        await rename(temp, target.real);
        const bytes = Buffer.byteLength(content, 'utf8');
        return `${previous === null ? 'Created' : 'Replaced'} "${target.shown}" (${bytes} bytes).`;
      } catch (error) {
        // Best effort: the temp file may never have been created (e.g. its folder could not be).
        await rm(temp, { force: true }).catch(() => undefined);
        throw fileSystemFailure(error, 'write', target.shown);
      }
    },
  });
}

/** The mode of the file being replaced (kept on the new one), or null when there is none. */
async function existingMode(real: string, shown: string): Promise<number | null> {
  try {
    const info = await stat(real);
    if (!info.isFile()) {
      throw toolFailed(`"${shown}" is a directory or special file; write_file writes regular files only.`, {
        path: shown,
      });
    }
    return info.mode & 0o7777;
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}
