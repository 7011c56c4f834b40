import { existsSync } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { toAgentMeshError } from '../../errors/index.js';
import { probeStoreWritable } from '../../store/sqlite/probe-store-writable.js';
import { existingAncestor } from './disk-check.js';
import type { HealthCheck } from './health-report.js';

/**
 * Whether the run store takes writes: a real committed write to its file, or, before the first run
 * created it, whether its directory can be created and written. Locked longer than the probe waits is
 * degraded (it passes); anything else failing is unhealthy (no run can be recorded).
 */
export async function checkStoreWritable(storePath: string, now: Date): Promise<HealthCheck> {
  const name = 'store';
  if (storePath === ':memory:') {
    return { name, status: 'healthy', detail: 'in memory: nothing is kept after the process ends' };
  }
  const path = resolve(storePath);
  if (!existsSync(path)) {
    const dir = existingAncestor(dirname(path));
    try {
      await access(dir, constants.W_OK);
      return { name, status: 'healthy', detail: `no run store yet at ${path}; the first run creates it` };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
      const detail = `cannot create the run store at ${path}: ${dir} is not writable (${code}); check its permissions or pass --db FILE`;
      return { name, status: 'unhealthy', detail };
    }
  }
  try {
    probeStoreWritable(path, now.toISOString());
    return { name, status: 'healthy', detail: `${path} writable` };
  } catch (thrown) {
    const error = toAgentMeshError(thrown);
    return { name, status: error.isRetryable ? 'degraded' : 'unhealthy', detail: error.message };
  }
}
