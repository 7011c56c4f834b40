import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { diskFreePercent } from '../health/disk-check.js';

/** Where the monitor reads the machine from; tests replace any of them to make a reading deterministic. */
export interface MonitorSamples {
  /** Share of CPU time the machine spent busy, 0–100. */
  cpuPercent(): Promise<number>;
  /** Share of memory in use, 0–100. */
  memoryPercent(): Promise<number>;
  /** Free space on the file system holding `path`, 0–100. */
  diskFreePercent(path: string): Promise<number>;
}

/** The real samples: CPU from `os.cpus()` times (load average at first), memory from `os`, disk from statfs. */
export function systemSamples(): MonitorSamples {
  return {
    cpuPercent: cpuSampler(),
    memoryPercent: async () => ((totalmem() - freemem()) / totalmem()) * 100,
    diskFreePercent,
  };
}

/**
 * CPU busy share across all cores since the previous call. The first call has no previous one, so it
 * uses the 1-minute load average per core (capped at 100%) instead of waiting to measure.
 */
export function cpuSampler(): () => Promise<number> {
  let previous: { busy: number; total: number } | null = null;
  return async () => {
    const current = cpuTimes();
    const last = previous;
    previous = current;
    if (last === null || current.total <= last.total) {
      return Math.min(100, (loadavg()[0]! / Math.max(1, cpus().length)) * 100);
    }
    return ((current.busy - last.busy) / (current.total - last.total)) * 100;
  };
}

function cpuTimes(): { busy: number; total: number } {
  let busy = 0;
  let total = 0;
  for (const { times } of cpus()) {
    const all = times.user + times.nice + times.sys + times.idle + times.irq;
    total += all;
    busy += all - times.idle;
  }
  return { busy, total };
}
