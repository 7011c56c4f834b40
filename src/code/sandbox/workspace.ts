import { chmod, chown, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { AgentMeshError } from '../../errors/index.js';

/** The host directories of one sandboxed run: `root` holds `workspace/`, `etc/` and `tmp/`. */
export interface Workspace {
  root: string;
  /** The only writable directory the code sees (`/workspace` under bubblewrap). */
  dir: string;
  /** Generated passwd, group, hosts and nsswitch.conf that bubblewrap binds over an empty /etc. */
  etcDir: string;
  /** TMPDIR of the plain subprocess (bubblewrap mounts a private tmpfs on /tmp instead). */
  tmpDir: string;
}

/** The unprivileged account sandboxed code runs as when AgentMesh itself runs as root. */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

/**
 * The host path of `path` inside `dir`, or an error when it would land anywhere else. The extractor
 * already normalises bundle paths; this is the last line of defence before a write to the host.
 */
export function confinedPath(dir: string, path: string): string {
  const refuse = (why: string) =>
    new AgentMeshError({
      code: 'internal',
      message: `Refused to write "${path}" into the sandbox workspace: ${why}; bundle paths must be relative and stay inside the bundle.`,
      context: { path },
    });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL and control characters are refused on purpose
  if (path === '' || /[\u0000-\u001f]/.test(path)) throw refuse('empty or control character');
  if (isAbsolute(path) || path.includes('\\')) throw refuse('absolute path or backslash');
  if (path.split('/').some((segment) => segment === '..')) throw refuse("'..' segment");
  const target = resolve(dir, path);
  const inside = relative(dir, target);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside) || !target.startsWith(dir + sep)) {
    throw refuse('outside the workspace');
  }
  return target;
}

/**
 * A fresh workspace under the host's temp directory with `files` written into it. When `owner` is
 * given (we run as root), everything is handed to that uid so the unprivileged sandbox can write.
 */
export async function createWorkspace(options: {
  files: ReadonlyArray<{ path: string; content: string }>;
  owner?: { uid: number; gid: number };
  etc?: Record<string, string>;
}): Promise<Workspace> {
  const root = await mkdtemp(join(tmpdir(), 'agentmesh-sandbox-'));
  const workspace: Workspace = {
    root,
    dir: join(root, 'workspace'),
    etcDir: join(root, 'etc'),
    tmpDir: join(root, 'tmp'),
  };
  try {
    for (const dir of [workspace.dir, workspace.etcDir, workspace.tmpDir]) await mkdir(dir, { mode: 0o700 });
    for (const file of options.files) {
      const target = confinedPath(workspace.dir, file.path);
      await mkdir(dirname(target), { recursive: true, mode: 0o700 });
      // flag 'wx': never follow or overwrite something already there (two files with one path).
      await writeFile(target, file.content, { flag: 'wx', mode: 0o600 });
    }
    for (const [name, content] of Object.entries(options.etc ?? {})) {
      await writeFile(join(workspace.etcDir, name), content, { mode: 0o644 });
    }
    if (options.owner) await chownTree(root, options.owner.uid, options.owner.gid);
  } catch (error) {
    await removeWorkspace(root);
    throw error;
  }
  return workspace;
}

async function chownTree(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const child = join(path, entry.name);
    if (entry.isDirectory()) await chownTree(child, uid, gid);
    else await chown(child, uid, gid);
  }
}

/**
 * Deletes a workspace whatever the code left in it. A run may have removed its own permissions
 * (`chmod 000`), which stops a non-root owner from deleting; those are restored and the delete retried.
 */
export async function removeWorkspace(root: string): Promise<void> {
  try {
    await rm(root, { recursive: true, force: true });
  } catch {
    await restoreOwnerAccess(root);
    await rm(root, { recursive: true, force: true });
  }
}

async function restoreOwnerAccess(path: string): Promise<void> {
  await chmod(path, 0o700).catch(() => {});
  const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    if (entry.isDirectory()) await restoreOwnerAccess(join(path, entry.name));
  }
}
