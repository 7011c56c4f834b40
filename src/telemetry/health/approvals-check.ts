import type { RunStore } from '../../store/run-store.js';
import type { HealthCheck } from './health-report.js';

/** An approval waiting longer than this makes the report degraded: someone forgot a run. */
export const STALE_APPROVAL_MS = 24 * 3_600_000;

/** Pending approvals: how many, and how long the oldest has waited (degraded once it waited a day). */
export async function checkPendingApprovals(store: RunStore, now: Date): Promise<HealthCheck> {
  const name = 'approvals';
  const pending = await store.approvals({ status: 'pending' });
  const oldest = pending[0];
  if (!oldest) return { name, status: 'healthy', detail: 'none waiting' };
  const waitedMs = now.getTime() - Date.parse(oldest.requestedAt);
  const detail = `${pending.length} waiting; oldest since ${oldest.requestedAt} (run ${oldest.runId}): agentmesh approve ${oldest.runId}`;
  return { name, status: waitedMs > STALE_APPROVAL_MS ? 'degraded' : 'healthy', detail };
}
