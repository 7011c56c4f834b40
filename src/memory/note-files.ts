import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { compileGlob, type GlobPattern, isGlob } from './glob-pattern.js';

/** A file a `tools.notes` pattern names, with what tells whether it changed since it was indexed. */
export interface NoteFile {
  /** Absolute. */
  path: string;
  mtimeMs: number;
  size: number;
}

/** The files `tools.notes` names, and the patterns that named none (worth telling the user about). */
export interface ExpandedNotes {
  /** Sorted by path, each once. */
  files: NoteFile[];
  unmatched: string[];
}

/** Entries a walk passes over: hidden ones (`.git`, `.env`) and dependencies. A plain path may still name one. */
const SKIPPED_ENTRY = (name: string) => name.startsWith('.') || name === 'node_modules';

/**
 * Expands absolute `patterns`: a file is itself, a directory is every file below it, a glob (`*`, `**`,
 * `?`, `[…]`, `{a,b}`) is every file it matches. Walks skip hidden entries and `node_modules`, and do
 * not follow links to folders (a loop would never end); links to files are followed.
 */
export async function expandNotePatterns(patterns: readonly string[]): Promise<ExpandedNotes> {
  const found = new Map<string, NoteFile>();
  const unmatched: string[] = [];
  for (const pattern of patterns) {
    const before = found.size;
    const matchedAlready = await expandOne(pattern, found);
    if (found.size === before && !matchedAlready) unmatched.push(pattern);
  }
  const files = [...found.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, unmatched };
}

/** Adds what `pattern` names to `found`; true when it named something (maybe already found). */
async function expandOne(pattern: string, found: Map<string, NoteFile>): Promise<boolean> {
  const normalized = pattern.split(sep).join('/');
  if (!isGlob(normalized)) {
    const info = await statOrNull(pattern);
    if (info?.isFile()) {
      found.set(pattern, { path: pattern, mtimeMs: info.mtimeMs, size: info.size });
      return true;
    }
    if (!info?.isDirectory()) return false;
    return walk(pattern, pattern, null, found);
  }
  const glob = compileGlob(normalized);
  return walk(glob.base, glob.base, glob, found);
}

async function walk(
  root: string,
  dir: string,
  glob: GlobPattern | null,
  found: Map<string, NoteFile>,
): Promise<boolean> {
  let entries: Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true, encoding: 'utf8' });
  } catch {
    return false; // gone, or not readable: it names nothing
  }
  let any = false;
  const candidates: string[] = [];
  for (const entry of entries) {
    if (SKIPPED_ENTRY(entry.name)) continue;
    const path = join(dir, entry.name);
    const inside = relative(root, path).split(sep).join('/');
    if (entry.isDirectory()) {
      if (glob === null || inside.split('/').length < glob.maxDepth) {
        any = (await walk(root, path, glob, found)) || any;
      }
    } else if (glob === null || glob.regex.test(inside)) candidates.push(path);
  }
  // The stats of one folder run together: a re-sync of thousands of unchanged notes is mostly stat calls.
  const infos = await Promise.all(candidates.map(statOrNull));
  candidates.forEach((path, i) => {
    const info = infos[i];
    if (!info?.isFile()) return; // a link to a folder, a socket, or a dangling link
    found.set(path, { path, mtimeMs: info.mtimeMs, size: info.size });
    any = true;
  });
  return any;
}

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}
