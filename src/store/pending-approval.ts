import type { ApprovalDecidedEvent, RunStatus } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { ApprovalDecision, ApprovalRecord } from './run-store.js';

// Shared by every RunStore adapter: which approval a decision applies to, and the errors when none
// can, worded the same whichever store the runtime picked.

/** What {@link pendingApproval} looks at: the run's status and all of its approvals. */
export interface PendingApprovalQuery {
  runId: string;
  runStatus: RunStatus;
  /** The approval named by the decision; absent: the run's only pending one. */
  approvalId?: string;
  approvals: readonly ApprovalRecord[];
}

/**
 * The pending approval a decision applies to. Throws `approval_not_pending` when there is none (or the
 * named one was decided already), and `usage` when several wait and the decision names none.
 */
export function pendingApproval(query: PendingApprovalQuery): ApprovalRecord {
  const { runId, approvalId, approvals } = query;
  if (approvalId !== undefined) {
    const found = approvals.find((approval) => approval.approvalId === approvalId);
    if (found?.status === 'pending') return found;
    throw approvalNotPendingError(query);
  }
  const pending = approvals.filter((approval) => approval.status === 'pending');
  if (pending.length === 1) return pending[0]!;
  if (pending.length === 0) throw approvalNotPendingError(query);
  const ids = pending.map((approval) => approval.approvalId);
  throw new AgentMeshError({
    code: 'usage',
    message: `Run ${runId} has ${ids.length} approvals waiting (${ids.join(', ')}); name the one to decide by its approval id.`,
    context: { runId, pending: ids },
  });
}

/** Why a decision cannot be made: the approval was decided already, does not exist, or none waits. */
export function approvalNotPendingError({
  runId,
  runStatus,
  approvalId,
  approvals,
}: PendingApprovalQuery): AgentMeshError {
  const context = { runId, runStatus, ...(approvalId !== undefined && { approvalId }) };
  const found = approvals.find((approval) => approval.approvalId === approvalId);
  if (found && found.status !== 'pending') {
    return new AgentMeshError({
      code: 'approval_not_pending',
      message: `Approval ${found.approvalId} of run ${runId} was already decided (${found.status} at ${found.decidedAt}); a decision can be made once.`,
      context: { ...context, decision: found.status, decidedAt: found.decidedAt },
    });
  }
  const waiting = approvals.filter((approval) => approval.status === 'pending').map((a) => a.approvalId);
  const named = approvalId === undefined ? 'no approval waiting' : `no approval ${approvalId}`;
  const pendingNote = waiting.length > 0 ? `; waiting: ${waiting.join(', ')}` : '';
  return new AgentMeshError({
    code: 'approval_not_pending',
    message: `Run ${runId} has ${named} (status: ${runStatus}${pendingNote}); agentmesh runs show ${runId} shows its state.`,
    context: { ...context, pending: waiting },
  });
}

/** The `approval.decided` event that records `decision` on `approval`. */
export function approvalDecidedEvent(
  approval: ApprovalRecord,
  { decision, comment, decidedBy, at }: ApprovalDecision,
): ApprovalDecidedEvent {
  return {
    type: 'approval.decided',
    runId: approval.runId,
    at,
    approvalId: approval.approvalId,
    stepId: approval.stepId,
    agentId: approval.agentId,
    decision,
    ...(comment !== undefined && { comment }),
    ...(decidedBy !== undefined && { decidedBy }),
  };
}
