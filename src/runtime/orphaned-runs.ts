import type { RunStore, RunSummary } from '../store/run-store.js';
import { leaseHolderAlive } from './run-lease.js';

/** Runs left `running` by a process that died (no live lease holder): candidates for `agentmesh resume`. */
export async function findOrphanedRuns(store: RunStore, now: number = Date.now()): Promise<RunSummary[]> {
  const running = await store.listRuns({ status: 'running', limit: 1000 });
  return running.filter((run) => run.lease === null || !leaseHolderAlive(run.lease, now));
}
