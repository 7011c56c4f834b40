import type { SandboxLimits } from './sandbox.js';

/** util-linux prlimit: applies the limits to itself, then execs the command (inside the sandbox too). */
export const PRLIMIT_PATH = '/usr/bin/prlimit';

/** Largest file the code may write; bounds a disk-filling loop one file at a time. */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Address space on top of `memoryMb`: Node reserves ~0.7 GiB it never touches (its code range),
 * so RLIMIT_AS alone at `memoryMb` would stop `node` from starting below ~1 GiB.
 */
export const ADDRESS_SPACE_HEADROOM_MB = 1024;

const MB = 1024 * 1024;

/**
 * `prlimit` options for one run. Memory is bounded twice: RLIMIT_DATA (`memoryMb`) stops heap and
 * private mappings — what a 4 GB allocation uses in Python and Node — and RLIMIT_AS (`memoryMb` +
 * headroom) stops shared anonymous mappings that RLIMIT_DATA does not count. CPU: SIGXCPU at
 * `cpuSeconds`, SIGKILL one second later. `nproc` counts tasks (threads too) of the sandbox user.
 */
export function prlimitArgs(limits: SandboxLimits, { extraProcesses = 0 } = {}): string[] {
  const cpu = Math.max(1, Math.ceil(limits.cpuSeconds));
  const data = Math.floor(limits.memoryMb * MB);
  const addressSpace = Math.floor((limits.memoryMb + ADDRESS_SPACE_HEADROOM_MB) * MB);
  const processes = Math.max(1, Math.floor(limits.maxProcesses)) + extraProcesses;
  return [
    `--cpu=${cpu}:${cpu + 1}`,
    `--data=${data}`,
    `--as=${addressSpace}`,
    `--nproc=${processes}`,
    `--fsize=${MAX_FILE_BYTES}`,
    '--core=0',
    '--nofile=1024',
    '--',
  ];
}
