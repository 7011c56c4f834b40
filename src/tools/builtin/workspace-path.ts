import { lstat, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { AgentMeshError } from '../../errors/index.js';

/** A path the model gave, checked to lie inside the workspace. */
export interface WorkspacePath {
  /** Absolute path with every symbolic link resolved: where the bytes are (or will be, for a write). */
  real: string;
  /** Workspace-relative with `/`, for messages to the model; `.` for the root. */
  shown: string;
}

/** How many links a write may follow before we give up (a loop, or a chain too long to be useful). */
const MAX_LINK_HOPS = 16;

/**
 * Resolves `requested` (relative to the workspace, or absolute inside it) for reading: the lexical path
 * must stay inside, and so must the target once every symbolic link is resolved. Throws `tool_refused`
 * for an escape and `tool_failed` when nothing exists there.
 */
export async function resolveForRead(workspace: string, requested: string): Promise<WorkspacePath> {
  const root = await workspaceRoot(workspace);
  const candidate = lexicallyInside(workspace, root, requested);
  // Checked before existence, so a dangling link pointing outside reads as refused, not as missing.
  const real = await realOfNearestExisting(candidate, requested);
  assertInside(root, real, requested);
  if ((await lstatOrNull(real)) === null) {
    throw new AgentMeshError({
      code: 'tool_failed',
      message: `Nothing at "${shownPath(root, candidate)}" in the workspace; call list_files to see what exists.`,
      context: { path: requested },
    });
  }
  return { real, shown: shownPath(root, candidate) };
}

/**
 * Resolves `requested` for writing: like {@link resolveForRead}, but nothing need exist there yet. Every
 * symbolic link on the way, the last one included, is followed and must stay inside the workspace, so
 * `real` is where the bytes land: writing through a link updates its target and keeps the link.
 */
export async function resolveForWrite(workspace: string, requested: string): Promise<WorkspacePath> {
  const root = await workspaceRoot(workspace);
  const candidate = lexicallyInside(workspace, root, requested);
  const real = await realOfNearestExisting(candidate, requested);
  assertInside(root, real, requested);
  return { real, shown: shownPath(root, candidate) };
}

/** The workspace's real path; the runtime creates it before the first call, so missing means it was removed. */
async function workspaceRoot(workspace: string): Promise<string> {
  try {
    return await realpath(workspace);
  } catch (error) {
    throw new AgentMeshError({
      code: 'tool_failed',
      message:
        'The workspace directory no longer exists, so no file can be read or written; answer without files.',
      context: { fsCode: (error as { code?: unknown }).code },
      cause: error,
    });
  }
}

/** Joins `requested` onto the workspace and refuses `..` escapes and absolute paths outside it. */
function lexicallyInside(workspace: string, root: string, requested: string): string {
  if (requested.includes('\0')) throw refused(requested, 'it contains a NUL character');
  const given = requested.trim() === '' ? '.' : requested;
  if (isAbsolute(given)) {
    // An absolute path is accepted when it names something inside the workspace, as given or resolved.
    for (const base of [resolve(workspace), root]) {
      const inside = relative(base, resolve(given));
      if (!escapes(inside)) return resolve(root, inside);
    }
    throw refused(requested, 'it is an absolute path outside the workspace');
  }
  const candidate = resolve(root, given);
  if (escapes(relative(root, candidate))) throw refused(requested, 'it leads out of the workspace with ".."');
  return candidate;
}

function assertInside(root: string, real: string, requested: string): void {
  if (escapes(relative(root, real))) {
    throw refused(requested, 'it resolves through a symbolic link to a place outside the workspace');
  }
}

function escapes(relativePath: string): boolean {
  return relativePath === '..' || relativePath.startsWith(`..${sep}`) || isAbsolute(relativePath);
}

function refused(requested: string, why: string): AgentMeshError {
  return new AgentMeshError({
    code: 'tool_refused',
    message: `Path "${requested}" is refused: ${why}; use a path relative to the workspace root, e.g. "notes/todo.md".`,
    context: { path: requested },
  });
}

/**
 * The real path of `path`, or of its nearest ancestor that exists with the rest appended (a file about
 * to be created). A dangling link on the way is followed by hand, so its target is what gets checked.
 */
async function realOfNearestExisting(path: string, requested: string, hops = 0): Promise<string> {
  const existing = await nearestExisting(path);
  const tail = relative(existing, path);
  try {
    return resolve(await realpath(existing), tail);
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ELOOP')
      throw refused(requested, 'it goes through a loop of symbolic links');
    if (!isMissing(error)) throw error;
    if (hops >= MAX_LINK_HOPS) throw refused(requested, 'it goes through too many symbolic links');
    const target = resolve(dirname(existing), await readlink(existing));
    return realOfNearestExisting(resolve(target, tail), requested, hops + 1);
  }
}

async function nearestExisting(path: string): Promise<string> {
  let current = path;
  while ((await lstatOrNull(current)) === null) {
    const parent = dirname(current);
    if (parent === current) return current;
    current = parent;
  }
  return current;
}

async function lstatOrNull(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if (isMissing(error)) return null;
    throw error;
  }
}

/** Workspace-relative with `/` separators; `.` for the workspace itself. */
export function shownPath(root: string, path: string): string {
  const inside = relative(root, path);
  return inside === '' ? '.' : inside.split(sep).join('/');
}

/** ENOENT or ENOTDIR: nothing at that path. */
export function isMissing(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
