import { describe, expect, it } from 'vitest';
import { type ApprovalRequestedEvent, foldRun, type RunEvent } from '../core/index.js';
import type { AgentMeshError } from '../errors/index.js';
import type { RunStore } from './run-store.js';
import { runStartedEvent, sampleRunLog } from './sample-run-log.js';

const T0 = '2026-01-01T00:00:00.000Z';
const LATER = '2026-01-01T00:01:00.000Z';

/** An `approval.requested` of `stepId` (default: a step named after the approval) at `at`. */
function approvalRequested(runId: string, approvalId: string, at = T0): ApprovalRequestedEvent {
  return {
    type: 'approval.requested',
    runId,
    at,
    approvalId,
    stepId: `step-${approvalId}`,
    agentId: 'coder',
  };
}

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<AgentMeshError> {
  try {
    await promise;
  } catch (error) {
    return error as AgentMeshError;
  }
  throw new Error('expected a rejection');
}

/**
 * Leases, fencing, pauses and approvals: what durable workflows need from every RunStore adapter.
 * Called by {@link describeRunStoreContract} with its per-test store.
 */
export function describeRunStoreDurabilityContract(getStore: () => RunStore): void {
  describe('leases', () => {
    const owned = (owner: string) => ({ owner, expiresAt: LATER });

    it('starts a run free at version 0, and has no lease for an unknown run', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_free'));
      expect(await store.lease('run_free')).toStrictEqual({ owner: null, expiresAt: null, version: 0 });
      expect((await store.getRun('run_free'))?.lease).toBeNull();
      expect(await store.lease('run_nope')).toBeUndefined();
      expect(await store.swapLease('run_nope', 0, owned('a'))).toBe(false);
      expect(await store.renewLease('run_nope', 'a', LATER)).toBe(false);
    });

    it('lets exactly one of two swaps from the same version win, and refuses a stale version', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_cas'));
      const wins = await Promise.all([
        store.swapLease('run_cas', 0, owned('host:1:a')),
        store.swapLease('run_cas', 0, owned('host:2:b')),
      ]);
      expect(wins.filter(Boolean)).toHaveLength(1);
      const winner = wins[0] ? 'host:1:a' : 'host:2:b';
      expect(await store.lease('run_cas')).toStrictEqual({ owner: winner, expiresAt: LATER, version: 1 });
      expect(await store.swapLease('run_cas', 0, owned('host:3:c'))).toBe(false);
      expect((await store.lease('run_cas'))?.owner).toBe(winner);
    });

    it('shows the holder in the run summary and frees the run on a swap to null', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_held'));
      expect(await store.swapLease('run_held', 0, owned('host:1:a'))).toBe(true);
      const expected = { owner: 'host:1:a', expiresAt: LATER };
      expect((await store.getRun('run_held'))?.lease).toStrictEqual(expected);
      expect((await store.listRuns())[0]?.lease).toStrictEqual(expected);
      expect(await store.swapLease('run_held', 1, null)).toBe(true);
      expect(await store.lease('run_held')).toStrictEqual({ owner: null, expiresAt: null, version: 2 });
      expect((await store.getRun('run_held'))?.lease).toBeNull();
    });

    it('renews only for the holder, without bumping the version, and not after losing the lease', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_renew'));
      await store.swapLease('run_renew', 0, owned('host:1:a'));
      const renewed = '2026-01-01T00:02:00.000Z';
      expect(await store.renewLease('run_renew', 'host:1:a', renewed)).toBe(true);
      expect(await store.lease('run_renew')).toStrictEqual({
        owner: 'host:1:a',
        expiresAt: renewed,
        version: 1,
      });
      expect(await store.renewLease('run_renew', 'host:2:b', '2099-01-01T00:00:00.000Z')).toBe(false);

      expect(await store.swapLease('run_renew', 1, owned('host:2:b'))).toBe(true);
      expect(await store.renewLease('run_renew', 'host:1:a', '2099-01-01T00:00:00.000Z')).toBe(false);
      expect(await store.lease('run_renew')).toStrictEqual({
        owner: 'host:2:b',
        expiresAt: LATER,
        version: 2,
      });
    });
  });

  describe('fencing', () => {
    const [started, stepStarted, llmFailed, llmCompleted] = sampleRunLog({ runId: 'run_fenced' });

    async function leasedRun(store: RunStore, owner: string): Promise<void> {
      await store.append(started!);
      expect(await store.swapLease('run_fenced', 0, { owner, expiresAt: LATER })).toBe(true);
    }

    it('appends while the owner holds the lease', async () => {
      const store = getStore();
      await leasedRun(store, 'host:1:a');
      const stored = await store.appendAll([stepStarted!, llmFailed!], { leaseOwner: 'host:1:a' });
      expect(stored.map((event) => event.seq)).toEqual([2, 3]);
      expect((await store.append(llmCompleted!, { leaseOwner: 'host:1:a' })).seq).toBe(4);
    });

    it('refuses a batch from a process that lost the lease, naming the run and the holder, storing nothing', async () => {
      const store = getStore();
      await leasedRun(store, 'host:1:a');
      await store.append(stepStarted!, { leaseOwner: 'host:1:a' });
      expect(await store.swapLease('run_fenced', 1, { owner: 'host:2:b', expiresAt: LATER })).toBe(true);
      const before = [await store.events('run_fenced'), await store.getRun('run_fenced')];

      const error = await rejection(store.appendAll([llmFailed!, llmCompleted!], { leaseOwner: 'host:1:a' }));
      expect(error).toMatchObject({
        code: 'lease_lost',
        context: { runId: 'run_fenced', holder: 'host:2:b' },
      });
      expect(error.message).toBe(
        'Lost the lease of run run_fenced (host:2:b holds it now, not host:1:a); this process stopped writing to it. agentmesh runs show run_fenced shows its state.',
      );
      expect([await store.events('run_fenced'), await store.getRun('run_fenced')]).toStrictEqual(before);
      expect(await store.llmCalls('run_fenced')).toEqual([]);
      // The new holder writes on.
      expect((await store.append(llmFailed!, { leaseOwner: 'host:2:b' })).seq).toBe(3);
    });

    it('refuses a fenced append to a freed run, and a batch in which one run is not held', async () => {
      const store = getStore();
      await leasedRun(store, 'host:1:a');
      await store.append(runStartedEvent('run_other'));
      const other = { ...stepStarted!, runId: 'run_other' };
      const error = await rejection(store.appendAll([stepStarted!, other], { leaseOwner: 'host:1:a' }));
      expect(error).toMatchObject({
        code: 'lease_lost',
        message: expect.stringContaining('nobody holds it now'),
      });
      expect(error.message).toContain('run_other');
      expect(await store.events('run_fenced')).toHaveLength(1);
      expect(await store.events('run_other')).toHaveLength(1);

      await store.swapLease('run_fenced', 1, null);
      await expect(store.append(stepStarted!, { leaseOwner: 'host:1:a' })).rejects.toMatchObject({
        code: 'lease_lost',
      });
      // Unfenced appends (a human's decision, a CLI cancel) are not refused.
      expect((await store.append(stepStarted!)).seq).toBe(2);
    });

    it('does not fence a run that is not stored yet: its run.started creates it unleased', async () => {
      const store = getStore();
      await store.appendAll([started!, stepStarted!], { leaseOwner: 'host:1:a' });
      expect(await store.events('run_fenced')).toHaveLength(2);
      expect(await store.lease('run_fenced')).toStrictEqual({ owner: null, expiresAt: null, version: 0 });
    });
  });

  describe('pauses and approvals', () => {
    async function pausedRun(store: RunStore, runId: string, approvalIds: string[]): Promise<void> {
      await store.append(runStartedEvent(runId));
      await store.appendAll([
        ...approvalIds.map((id) => approvalRequested(runId, id)),
        { type: 'run.paused', runId, at: T0, reason: 'awaiting_approval' },
      ]);
    }

    it('projects run.paused as awaiting_approval and run.resumed back to running, as foldRun does', async () => {
      const store = getStore();
      const log = sampleRunLog({ runId: 'run_pause', outcome: 'failed' });
      await store.appendAll(log);
      const resumed: RunEvent = {
        type: 'run.resumed',
        runId: 'run_pause',
        at: LATER,
        from: 'failed',
        by: 'h:1:a',
      };
      await store.append(resumed);
      expect(await store.getRun('run_pause')).toMatchObject({
        status: 'running',
        stopReason: null,
        updatedAt: LATER,
      });

      const paused: RunEvent = {
        type: 'run.paused',
        runId: 'run_pause',
        at: LATER,
        reason: 'awaiting_approval',
      };
      await store.append(paused);
      const summary = await store.getRun('run_pause');
      expect(summary?.status).toBe('awaiting_approval');
      expect(summary?.status).toBe(foldRun(await store.events('run_pause')).status);
      expect((await store.listRuns({ status: 'awaiting_approval' })).map((run) => run.runId)).toEqual([
        'run_pause',
      ]);
      await store.append({ ...resumed, from: 'awaiting_approval' });
      expect((await store.getRun('run_pause'))?.status).toBe('running');
    });

    it('lists a requested approval as pending, by run and by status, oldest first', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_b'));
      await store.append(runStartedEvent('run_a'));
      await store.append(approvalRequested('run_b', 'apr_late', '2026-01-01T00:00:09.000Z'));
      await store.append(approvalRequested('run_a', 'apr_2', '2026-01-01T00:00:05.000Z'));
      await store.append(approvalRequested('run_a', 'apr_1', '2026-01-01T00:00:05.000Z'));
      const ids = async (filter?: Parameters<RunStore['approvals']>[0]) =>
        (await store.approvals(filter)).map((approval) => approval.approvalId);
      // Equal request times keep the order requested.
      expect(await ids()).toEqual(['apr_2', 'apr_1', 'apr_late']);
      expect(await ids({ runId: 'run_a' })).toEqual(['apr_2', 'apr_1']);
      expect(await ids({ status: 'pending' })).toEqual(['apr_2', 'apr_1', 'apr_late']);
      expect(await ids({ runId: 'run_b', status: 'pending' })).toEqual(['apr_late']);
      expect(await ids({ status: 'approved' })).toEqual([]);
      expect(await ids({ runId: 'run_nope' })).toEqual([]);
      expect((await store.approvals({ runId: 'run_b' }))[0]).toStrictEqual({
        approvalId: 'apr_late',
        runId: 'run_b',
        stepId: 'step-apr_late',
        agentId: 'coder',
        status: 'pending',
        comment: null,
        decidedBy: null,
        requestedAt: '2026-01-01T00:00:09.000Z',
        decidedAt: null,
      });
    });

    it('decides the only pending approval once, appending approval.decided to the log', async () => {
      const store = getStore();
      await pausedRun(store, 'run_apr', ['apr_1']);
      const decided = await store.decideApproval({
        runId: 'run_apr',
        decision: 'rejected',
        comment: 'tests are missing',
        decidedBy: 'ana',
        at: LATER,
      });
      const expected = {
        type: 'approval.decided',
        runId: 'run_apr',
        at: LATER,
        approvalId: 'apr_1',
        stepId: 'step-apr_1',
        agentId: 'coder',
        decision: 'rejected',
        comment: 'tests are missing',
        decidedBy: 'ana',
        seq: 4,
      };
      expect(decided).toStrictEqual(expected);
      expect((await store.events('run_apr')).at(-1)).toStrictEqual(expected);
      expect(await store.approvals({ runId: 'run_apr' })).toMatchObject([
        { status: 'rejected', comment: 'tests are missing', decidedBy: 'ana', decidedAt: LATER },
      ]);
      expect(foldRun(await store.events('run_apr')).approvals[0]?.status).toBe('rejected');

      const again = await rejection(
        store.decideApproval({ runId: 'run_apr', approvalId: 'apr_1', decision: 'approved', at: LATER }),
      );
      expect(again).toMatchObject({ code: 'approval_not_pending', context: { runId: 'run_apr' } });
      expect(again.message).toBe(
        `Approval apr_1 of run run_apr was already decided (rejected at ${LATER}); a decision can be made once.`,
      );
      await expect(
        store.decideApproval({ runId: 'run_apr', decision: 'approved', at: LATER }),
      ).rejects.toMatchObject({ code: 'approval_not_pending' });
      expect(await store.events('run_apr')).toHaveLength(4);
      expect((await store.approvals({ runId: 'run_apr' }))[0]?.status).toBe('rejected');
    });

    it('asks which approval to decide when several wait, and decides the one named', async () => {
      const store = getStore();
      await pausedRun(store, 'run_two', ['apr_x', 'apr_y']);
      const error = await rejection(
        store.decideApproval({ runId: 'run_two', decision: 'approved', at: LATER }),
      );
      expect(error).toMatchObject({ code: 'usage' });
      expect(error.message).toBe(
        'Run run_two has 2 approvals waiting (apr_x, apr_y); name the one to decide by its approval id.',
      );
      const decided = await store.decideApproval({
        runId: 'run_two',
        approvalId: 'apr_y',
        decision: 'approved',
        at: LATER,
      });
      expect(decided).toMatchObject({ approvalId: 'apr_y', decision: 'approved', seq: 5 });
      expect(decided).not.toHaveProperty('comment');
      expect(
        (await store.approvals({ runId: 'run_two', status: 'pending' })).map((a) => a.approvalId),
      ).toEqual(['apr_x']);
      // Now only one waits, so it needs no id.
      expect(await store.decideApproval({ runId: 'run_two', decision: 'approved', at: LATER })).toMatchObject(
        {
          approvalId: 'apr_x',
        },
      );
    });

    it('says a run has no approval waiting, an approval id is unknown, or the run is unknown', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_none'));
      const none = await rejection(
        store.decideApproval({ runId: 'run_none', decision: 'approved', at: LATER }),
      );
      expect(none).toMatchObject({ code: 'approval_not_pending' });
      expect(none.message).toBe(
        'Run run_none has no approval waiting (status: running); agentmesh runs show run_none shows its state.',
      );
      await pausedRun(store, 'run_one', ['apr_1']);
      const unknown = await rejection(
        store.decideApproval({ runId: 'run_one', approvalId: 'apr_9', decision: 'approved', at: LATER }),
      );
      expect(unknown).toMatchObject({ code: 'approval_not_pending' });
      expect(unknown.message).toBe(
        'Run run_one has no approval apr_9 (status: awaiting_approval; waiting: apr_1); agentmesh runs show run_one shows its state.',
      );
      const ghost = await rejection(
        store.decideApproval({ runId: 'run_ghost', decision: 'approved', at: LATER }),
      );
      expect(ghost).toMatchObject({ code: 'run_not_found', message: expect.stringContaining('run_ghost') });
      expect(await store.events('run_one')).toHaveLength(3);
      expect(await store.events('run_ghost')).toEqual([]);
    });

    it('refuses an appended decision of a decided approval, and a repeated request id, storing nothing', async () => {
      const store = getStore();
      await pausedRun(store, 'run_log', ['apr_1']);
      const decided: RunEvent = {
        type: 'approval.decided',
        runId: 'run_log',
        at: LATER,
        approvalId: 'apr_1',
        stepId: 'step-apr_1',
        agentId: 'coder',
        decision: 'approved',
      };
      await store.append(decided);
      expect((await store.approvals())[0]).toMatchObject({
        status: 'approved',
        decidedAt: LATER,
        comment: null,
      });
      await expect(store.append({ ...decided, decision: 'rejected' })).rejects.toMatchObject({
        code: 'approval_not_pending',
      });
      await expect(store.append(approvalRequested('run_log', 'apr_1'))).rejects.toMatchObject({
        code: 'store',
        message: expect.stringContaining('apr_1'),
      });
      expect(await store.events('run_log')).toHaveLength(4);
      expect(await store.approvals()).toHaveLength(1);
    });

    it('keeps a request out of approvals when its batch fails', async () => {
      const store = getStore();
      await store.append(runStartedEvent('run_batch'));
      const stray = { ...approvalRequested('run_batch', 'apr_2'), runId: 'run_unknown' };
      await expect(store.appendAll([approvalRequested('run_batch', 'apr_1'), stray])).rejects.toMatchObject({
        code: 'run_not_found',
      });
      expect(await store.approvals()).toEqual([]);
      await store.append(approvalRequested('run_batch', 'apr_1'));
      expect((await store.approvals()).map((approval) => approval.approvalId)).toEqual(['apr_1']);
    });
  });
}
