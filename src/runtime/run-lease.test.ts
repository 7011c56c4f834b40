import { spawnSync } from 'node:child_process';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { MemoryRunStore } from '../store/memory/memory-run-store.js';
import { leaseHolderAlive, newLeaseOwner, takeRunLease } from './run-lease.js';

async function storeWithRun(): Promise<MemoryRunStore> {
  const store = new MemoryRunStore();
  await store.append({
    type: 'run.started',
    runId: 'run_1',
    at: new Date().toISOString(),
    task: 't',
    team: 'pipeline',
    pattern: 'pipeline',
    agents: [],
  });
  return store;
}

/** The pid of a process that has exited (so nothing runs under it, barring reuse). */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

describe('run leases', () => {
  it('takes a free run, refuses it to a second owner while the first lives, and frees it on release', async () => {
    const store = await storeWithRun();
    const first = await takeRunLease(store, 'run_1', newLeaseOwner());
    expect((await store.lease('run_1'))?.owner).toBe(first.owner);

    await expect(takeRunLease(store, 'run_1', newLeaseOwner())).rejects.toMatchObject({
      code: 'run_leased',
      message: expect.stringMatching(/^Run run_1 is being executed by process \d+ on /),
    });

    await first.release();
    expect((await store.lease('run_1'))?.owner).toBeNull();
    const second = await takeRunLease(store, 'run_1', newLeaseOwner());
    await second.release();
  });

  it('takes over at once from a holder on this host whose process died, even before its lease expires', async () => {
    const store = await storeWithRun();
    const dead = `${hostname()}:${deadPid()}:abcd`;
    const expiresAt = new Date(Date.now() + 60_000).toISOString();
    expect(await store.swapLease('run_1', 0, { owner: dead, expiresAt })).toBe(true);
    expect(leaseHolderAlive({ owner: dead, expiresAt })).toBe(false);

    const taken = await takeRunLease(store, 'run_1', newLeaseOwner());
    expect((await store.lease('run_1'))?.owner).toBe(taken.owner);
    await taken.release();
  });

  it('trusts only the expiry for a holder on another host', () => {
    const now = Date.parse('2026-11-21T10:00:00Z');
    const owner = 'elsewhere.example:4242:abcd';
    expect(leaseHolderAlive({ owner, expiresAt: '2026-11-21T10:00:30Z' }, now)).toBe(true);
    expect(leaseHolderAlive({ owner, expiresAt: '2026-11-21T09:59:59Z' }, now)).toBe(false);
  });

  it('tells the holder when a renewal finds another process has taken the run', async () => {
    const store = await storeWithRun();
    let lost = false;
    const held = await takeRunLease(store, 'run_1', newLeaseOwner(), {
      ttlMs: 30,
      onLost: () => (lost = true),
    });
    const { version } = (await store.lease('run_1'))!;
    await store.swapLease('run_1', version, { owner: 'thief:1:x', expiresAt: new Date().toISOString() });
    await expect.poll(() => lost).toBe(true);
    await held.release();
    // Releasing does not free a run that someone else holds.
    expect((await store.lease('run_1'))?.owner).toBe('thief:1:x');
  });

  it('says an unknown run is not in the store', async () => {
    await expect(takeRunLease(new MemoryRunStore(), 'run_x', newLeaseOwner())).rejects.toMatchObject({
      code: 'run_not_found',
    });
  });
});
