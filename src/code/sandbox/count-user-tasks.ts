import { readdir, readFile } from 'node:fs/promises';

/**
 * Tasks (processes and their threads) the kernel counts against RLIMIT_NPROC for `uid`. Without a
 * user namespace the limit covers all of that user's tasks on the host, so the subprocess sandbox
 * adds this count to `maxProcesses` rather than starving the code of forks from the start.
 */
export async function countUserTasks(uid: number): Promise<number> {
  let count = 0;
  for (const entry of await readdir('/proc').catch(() => [])) {
    if (!/^\d+$/.test(entry)) continue;
    const status = await readFile(`/proc/${entry}/status`, 'utf8').catch(() => '');
    const realUid = /^Uid:\s+(\d+)/m.exec(status)?.[1];
    const threads = /^Threads:\s+(\d+)/m.exec(status)?.[1];
    if (realUid !== undefined && Number(realUid) === uid) count += Number(threads ?? 1);
  }
  return count;
}
