import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { AgentMeshError } from '../errors/index.js';
import type { RunLease, RunStore } from '../store/run-store.js';

/** How long a lease lasts without renewal; a holder renews it every third of that. */
export const LEASE_TTL_MS = 30_000;

/** A lease this process holds on a run. */
export interface HeldLease {
  owner: string;
  /** Stops renewing and frees the run for the next process. */
  release(): Promise<void>;
}

/** Options for {@link takeRunLease}. */
export interface TakeRunLeaseOptions {
  /** @default LEASE_TTL_MS */
  ttlMs?: number;
  /** Called once when a renewal finds that another process has taken the run. */
  onLost?: () => void;
  now?: () => number;
}

/** A lease owner id for this process: `host:pid:nonce` (the nonce tells two executions in one process apart). */
export function newLeaseOwner(): string {
  return `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
}

/**
 * Whether the holder of a lease may still be executing the run. On this host the process id decides
 * (a killed process frees its runs at once); elsewhere only the expiry can.
 */
export function leaseHolderAlive(
  lease: Pick<RunLease, 'owner' | 'expiresAt'>,
  now: number = Date.now(),
): boolean {
  if (lease.owner === null) return false;
  const [host, pidText] = lease.owner.split(':');
  const pid = Number(pidText);
  if (host === hostname() && Number.isInteger(pid) && pid > 0) return processAlive(pid);
  return lease.expiresAt !== null && Date.parse(lease.expiresAt) > now;
}

/**
 * Takes the run's lease by compare-and-swap on its row, so of two processes resuming the same run
 * exactly one executes it; renews it in the background until released.
 * @throws AgentMeshError `run_leased` when a live process holds it, `run_not_found` for an unknown run.
 */
export async function takeRunLease(
  store: RunStore,
  runId: string,
  owner: string,
  { ttlMs = LEASE_TTL_MS, onLost, now = Date.now }: TakeRunLeaseOptions = {},
): Promise<HeldLease> {
  const lease = await store.lease(runId);
  if (!lease) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId} in the run store; agentmesh runs list shows the stored runs.`,
      context: { runId },
    });
  }
  if (lease.owner !== null && lease.owner !== owner && leaseHolderAlive(lease, now())) {
    throw runLeasedError(runId, lease.owner);
  }
  const expiresAt = () => new Date(now() + ttlMs).toISOString();
  if (!(await store.swapLease(runId, lease.version, { owner, expiresAt: expiresAt() }))) {
    const current = await store.lease(runId);
    throw runLeasedError(runId, current?.owner ?? 'another process');
  }
  let lost = false;
  const timer = setInterval(() => {
    store
      .renewLease(runId, owner, expiresAt())
      .then((held) => {
        if (!held && !lost) {
          lost = true;
          onLost?.();
        }
      })
      .catch(() => undefined);
  }, ttlMs / 3);
  timer.unref();
  return {
    owner,
    async release() {
      clearInterval(timer);
      const current = await store.lease(runId);
      if (current?.owner === owner) await store.swapLease(runId, current.version, null);
    },
  };
}

function runLeasedError(runId: string, holder: string): AgentMeshError {
  const [host, pid] = holder.split(':');
  return new AgentMeshError({
    code: 'run_leased',
    message: `Run ${runId} is being executed by process ${pid ?? '?'} on ${host ?? '?'}; wait for it to finish, or stop that process and resume again.`,
    context: { runId, holder },
  });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
