import { open, stat } from 'node:fs/promises';
import { z } from 'zod';
import { defineTool, type ToolDefinition } from '../tool.js';
import { fileSystemFailure, toolFailed } from './tool-errors.js';
import { resolveForRead } from './workspace-path.js';

/** The most `read_file` returns in one call; the model pages on with `offset`. */
export const READ_FILE_MAX_BYTES = 100_000;

const readFileArgs = z.object({
  path: z
    .string()
    .describe(
      'File to read, relative to the workspace root (e.g. "src/app.py"); absolute paths must lie inside it.',
    ),
  offset: z
    .number()
    .int()
    .min(0)
    .optional()
    .describe('Byte offset to start at, to read on after a truncated answer. Default 0.'),
  maxBytes: z
    .number()
    .int()
    .min(1)
    .max(READ_FILE_MAX_BYTES)
    .optional()
    .describe(`Most bytes to return. Default and maximum ${READ_FILE_MAX_BYTES}.`),
});

/** `read_file`: a text file of the workspace, bounded, saying when it was cut and where to read on. */
export function readFileTool(): ToolDefinition<z.infer<typeof readFileArgs>> {
  return defineTool({
    name: 'read_file',
    description:
      'Read a text file from the workspace. Returns its text; long files are cut at maxBytes with a note ' +
      'giving the offset to read on from. Use list_files first when unsure of the path.',
    parameters: readFileArgs,
    sideEffects: false,
    source: 'builtin',
    async execute({ path, offset = 0, maxBytes = READ_FILE_MAX_BYTES }, context) {
      const target = await resolveForRead(context.workspace, path);
      try {
        return await readSlice(target.real, target.shown, offset, maxBytes);
      } catch (error) {
        throw fileSystemFailure(error, 'read', target.shown);
      }
    },
  });
}

async function readSlice(real: string, shown: string, offset: number, maxBytes: number): Promise<string> {
  // Checked before opening: opening a FIFO would block until someone writes to it.
  const info = await stat(real);
  if (info.isDirectory()) {
    throw toolFailed(`"${shown}" is a directory; call list_files with path "${shown}" to see inside.`, {
      path: shown,
    });
  }
  if (!info.isFile())
    throw toolFailed(`"${shown}" is not a regular file; read_file reads files only.`, { path: shown });
  const file = await open(real, 'r');
  try {
    const { size } = await file.stat();
    if (size === 0) return `"${shown}" is empty (0 bytes).`;
    if (offset >= size) {
      throw toolFailed(
        `Offset ${offset} is past the end of "${shown}" (${size} bytes); use a smaller offset.`,
        {
          path: shown,
        },
      );
    }
    // Up to 3 bytes more than asked tell whether the cut falls inside a multi-byte character.
    const buffer = Buffer.alloc(Math.min(maxBytes + 3, Math.max(0, size - offset)));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, offset);
    const bytes = buffer.subarray(0, bytesRead);
    if (bytes.includes(0)) return `"${shown}" is a binary file (${size} bytes); read_file shows text only.`;
    const end = utf8Boundary(bytes, Math.min(maxBytes, bytes.length));
    const text = bytes.subarray(0, end).toString('utf8');
    const next = offset + end;
    if (next >= size) return text;
    return `${text}\n[truncated: bytes ${offset}-${next - 1} of ${size} shown; call read_file with offset ${next} to read on]`;
  } finally {
    await file.close();
  }
}

/** The largest cut at or before `limit` that does not split a UTF-8 character. */
function utf8Boundary(bytes: Buffer, limit: number): number {
  if (limit >= bytes.length) return bytes.length;
  let end = limit;
  // Continuation bytes are 10xxxxxx; back off to the start of the character they belong to.
  while (end > 0 && end > limit - 3 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return end;
}
