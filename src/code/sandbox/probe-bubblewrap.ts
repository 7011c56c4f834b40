import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { BubblewrapFeatures } from './bubblewrap-args.js';
import { SANDBOX_GID, SANDBOX_UID } from './workspace.js';

const run = promisify(execFile);

/** Whether bubblewrap can isolate code on this machine, and with which features. */
export type BubblewrapProbe =
  | { available: true; bwrapPath: string; features: BubblewrapFeatures }
  | { available: false; reason: string };

/** The uid/gid bwrap is started as: root's processes are exempt from RLIMIT_NPROC, so root drops to 65534. */
export function bubblewrapRunAs(): { uid: number; gid: number } | undefined {
  return process.getuid?.() === 0 ? { uid: SANDBOX_UID, gid: SANDBOX_GID } : undefined;
}

let cached: Promise<BubblewrapProbe> | undefined;

/**
 * Runs `bwrap … true` once per process with the same namespaces and user as a real run: being
 * installed is not enough (user namespaces may be disabled, or AppArmor may forbid them).
 */
export function probeBubblewrap({ fresh = false } = {}): Promise<BubblewrapProbe> {
  if (!cached || fresh) cached = probe();
  return cached;
}

async function probe(): Promise<BubblewrapProbe> {
  const bwrapPath = await findBwrap();
  if (!bwrapPath) return { available: false, reason: 'bwrap is not installed' };
  const runAs = bubblewrapRunAs();
  try {
    const help = await run(bwrapPath, ['--help'], { env: {}, timeout: 10_000 });
    const features = {
      tmpfsSize: help.stdout.includes('--size'),
      disableUserns: help.stdout.includes('--disable-userns'),
    };
    const args = ['--unshare-all', '--unshare-user', '--uid', '65534', '--gid', '65534', '--die-with-parent'];
    args.push('--cap-drop', 'ALL', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin');
    args.push('--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc');
    args.push('--dev', '/dev', '--tmpfs', '/tmp', '--', '/usr/bin/true');
    await run(bwrapPath, args, { env: {}, cwd: '/', timeout: 10_000, ...runAs });
    return { available: true, bwrapPath, features };
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    return { available: false, reason: `bwrap cannot create a sandbox here: ${stderr || String(error)}` };
  }
}

async function findBwrap(): Promise<string | null> {
  for (const path of ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']) {
    try {
      await run(path, ['--version'], { env: {}, timeout: 10_000 });
      return path;
    } catch {
      // not here
    }
  }
  return null;
}
