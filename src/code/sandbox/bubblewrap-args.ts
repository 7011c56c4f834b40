/** What the installed bwrap supports beyond the basics (0.8.0 added both). */
export interface BubblewrapFeatures {
  /** `--size` before `--tmpfs`: bounds what /tmp can hold (tmpfs is RAM). */
  tmpfsSize: boolean;
  /** `--disable-userns`: the code cannot create nested user namespaces. */
  disableUserns: boolean;
}

/** Where the host's Node binary appears inside the sandbox when it lives outside /usr. */
export const SANDBOX_NODE_DIR = '/opt/agentmesh-node/bin';

/** Optional host files for dynamic linking and time zones; bound only when present. */
const HOST_ETC_FILES = ['ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'alternatives'];

/**
 * bwrap's argv for one run. The code sees: /usr read-only (and the /bin, /lib… symlinks into it), a
 * generated /etc (no shadow, no host accounts), fresh /proc and /dev, a private /tmp, and the
 * workspace read-write at /workspace. Everything else of the host — /root, /home, /tmp, /work, /etc
 * — is simply absent. All namespaces are new: no network (only a private loopback), no host PIDs, and
 * a user namespace in which the code is uid 65534 without capabilities.
 */
export function bubblewrapArgs(options: {
  workspaceDir: string;
  etcDir: string;
  etcFiles: readonly string[];
  env: Record<string, string>;
  tmpfsBytes: number;
  features: BubblewrapFeatures;
  /** The host's node binary when it lives outside /usr; bound at {@link SANDBOX_NODE_DIR}/node. */
  hostNode: string | null;
  command: readonly string[];
}): string[] {
  const args = [
    '--unshare-all',
    '--unshare-user',
    '--uid',
    '65534',
    '--gid',
    '65534',
    '--hostname',
    'sandbox',
  ];
  args.push('--die-with-parent', '--new-session', '--cap-drop', 'ALL');
  if (options.features.disableUserns) args.push('--disable-userns');
  args.push('--clearenv');
  for (const [name, value] of Object.entries(options.env)) args.push('--setenv', name, value);
  args.push('--ro-bind', '/usr', '/usr');
  for (const dir of ['bin', 'lib', 'lib64', 'sbin']) args.push('--symlink', `usr/${dir}`, `/${dir}`);
  for (const name of HOST_ETC_FILES) args.push('--ro-bind-try', `/etc/${name}`, `/etc/${name}`);
  for (const name of options.etcFiles) args.push('--ro-bind', `${options.etcDir}/${name}`, `/etc/${name}`);
  if (options.hostNode) args.push('--ro-bind', options.hostNode, `${SANDBOX_NODE_DIR}/node`);
  args.push('--proc', '/proc', '--dev', '/dev');
  if (options.features.tmpfsSize) args.push('--size', String(options.tmpfsBytes));
  args.push('--tmpfs', '/tmp');
  args.push('--bind', options.workspaceDir, '/workspace', '--chdir', '/workspace');
  args.push('--', ...options.command);
  return args;
}

/** The generated /etc: one unprivileged account, a loopback-only hosts file, files-only lookups. */
export const SANDBOX_ETC: Readonly<Record<string, string>> = {
  passwd:
    'root:x:0:0:root:/nonexistent:/usr/sbin/nologin\nsandbox:x:65534:65534:sandbox:/workspace:/bin/sh\n',
  group: 'root:x:0:\nsandbox:x:65534:\n',
  hosts: '127.0.0.1 localhost sandbox\n::1 localhost\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files\n',
};
