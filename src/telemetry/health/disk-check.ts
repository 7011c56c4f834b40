import { existsSync } from 'node:fs';
import { statfs } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { HealthCheck } from './health-report.js';

/** Below this share of free space the store is about to fail writes: unhealthy, whatever the threshold. */
export const DISK_CRITICAL_FREE_PERCENT = 1;

/** Free space on the file system holding `path` (or its nearest existing ancestor), in percent. */
export async function diskFreePercent(path: string): Promise<number> {
  const stats = await statfs(existingAncestor(path));
  return stats.blocks === 0 ? 100 : (stats.bavail / stats.blocks) * 100;
}

/** The nearest path at or above `path` that exists (the store's directory may not exist yet). */
export function existingAncestor(path: string): string {
  let current = resolve(path);
  while (!existsSync(current) && dirname(current) !== current) current = dirname(current);
  return current;
}

/** Disk space where the store lives: degraded below `minFreePercent`, unhealthy below 1%. */
export async function checkDiskSpace(storePath: string, minFreePercent: number): Promise<HealthCheck> {
  const name = 'disk';
  if (storePath === ':memory:') return { name, status: 'healthy', detail: 'the store is in memory' };
  const dir = dirname(resolve(storePath));
  let free: number;
  try {
    free = await diskFreePercent(dir);
  } catch (error) {
    return {
      name,
      status: 'degraded',
      detail: `cannot read free space of ${dir}: ${(error as Error).message}`,
    };
  }
  const detail = `${free.toFixed(1)}% free on the file system of ${dir}`;
  if (free < DISK_CRITICAL_FREE_PERCENT) {
    return {
      name,
      status: 'unhealthy',
      detail: `${detail} (below ${DISK_CRITICAL_FREE_PERCENT}%): free disk space`,
    };
  }
  if (free < minFreePercent) {
    return {
      name,
      status: 'degraded',
      detail: `${detail} (below telemetry.monitor.diskFreePercent ${minFreePercent}%)`,
    };
  }
  return { name, status: 'healthy', detail };
}
