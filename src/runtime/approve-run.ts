import { resolveTeam } from '../config/resolve-config.js';
import { type ApprovalDecidedEvent, foldRun, type StoredRunEvent } from '../core/index.js';
import { AgentMeshError, isAgentMeshError } from '../errors/index.js';
import type { ApprovalRecord, RunStore } from '../store/run-store.js';
import type { DrivenRun } from './drive-run.js';
import { openToolbox } from './open-toolbox.js';
import { checkApiKeys } from './preflight.js';
import { type ResumeRunOptions, resumeRun } from './resume-run.js';

/** A human decision on one of a run's pending approvals. */
export interface RunApprovalDecision {
  runId: string;
  decision: 'approved' | 'rejected';
  /** Which approval; absent: the run's only pending one. */
  approvalId?: string;
  /** Sent back to the agent with a rejection; kept as a note with an approval. */
  comment?: string;
  /** Who decided, e.g. `cli:alice`. */
  decidedBy?: string;
}

/** Options for {@link approveRun}: the decision, and what {@link resumeRun} needs to continue the run. */
export type ApproveRunOptions = ResumeRunOptions & RunApprovalDecision;

/** How far {@link approveRun} took the run after recording the decision. */
export type Continuation =
  /** This process continued the run, to its end or to its next pause. */
  | { kind: 'continued' }
  /** Other approvals of the run still wait; it continues once they are decided too. */
  | { kind: 'approvals_pending'; pending: ApprovalRecord[] }
  /** Another live process holds the run's lease (`host:pid:nonce`) and executes it. */
  | { kind: 'leased'; holder: string };

/** An `approval.decided` event as the store keeps it. */
export type StoredDecision = ApprovalDecidedEvent & { seq: number };

/** A decided approval and the run after it: continued here, or as it stands in the log. */
export interface ApprovedRun extends DrivenRun {
  decision: StoredDecision;
  continuation: Continuation;
}

/**
 * Records a human decision on a run's pending approval, once: refuses an unknown run (`run_not_found`), a
 * run that waits for no approval and an approval decided already (`approval_not_pending`), leaving the
 * store untouched. The store makes the decision atomic, so of two processes deciding at once one wins.
 */
export async function decideRunApproval(
  store: RunStore,
  { runId, decision, approvalId, comment, decidedBy }: RunApprovalDecision,
  now: () => Date = () => new Date(),
): Promise<StoredDecision> {
  const run = await store.getRun(runId);
  if (!run) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId} in the run store; agentmesh runs list shows the stored runs.`,
      context: { runId },
    });
  }
  // A named approval is the store's to judge: it words "already decided" and "no such approval" best.
  if (approvalId === undefined) {
    const pending = await store.approvals({ runId, status: 'pending' });
    if (pending.length === 0) throw notWaitingError(runId, run.status);
  }
  const stored = await store.decideApproval({
    runId,
    decision,
    at: now().toISOString(),
    ...(approvalId !== undefined && { approvalId }),
    ...(comment !== undefined && { comment }),
    ...(decidedBy !== undefined && { decidedBy }),
  });
  if (!isDecision(stored)) {
    throw new AgentMeshError({
      code: 'store',
      message: `The run store answered a decision on run ${runId} with a ${stored.type} event, not approval.decided.`,
      context: { runId },
    });
  }
  return stored;
}

/**
 * Decides a run's pending approval and continues the run from its log under its lease (as
 * `agentmesh resume` does): an approved step's output counts as done; a rejected step runs again, and its
 * agent sees its rejected output with the comment. The run is checked (its team, the API keys) before the
 * decision is stored, so bad input changes nothing. Not continued when other approvals still wait or when
 * another process holds the run; the decision stands either way. The listeners hear the decision first.
 * The run's tools are opened (MCP servers started) before the decision is stored, and closed at the end.
 */
export async function approveRun(options: ApproveRunOptions): Promise<ApprovedRun> {
  const { config, store, runId, listeners = [] } = options;
  const run = await store.getRun(runId);
  const team = run ? resolveTeam(config, run.team) : undefined;
  if (team) checkApiKeys(config, team);
  // The run's tools are opened before the decision is stored: a tool that cannot be had changes nothing.
  // (A run with nothing to decide is refused by the decision itself, with the better message.)
  const waiting = team !== undefined && (await store.approvals({ runId, status: 'pending' })).length > 0;
  const ownToolbox =
    team && waiting && !options.toolbox
      ? await openToolbox({
          config,
          team,
          runId,
          signal: options.signal,
          ...(options.tools && { customTools: options.tools }),
          ...(options.sandbox && { sandbox: options.sandbox }),
        })
      : undefined;
  const toolbox = options.toolbox ?? ownToolbox;
  try {
    const decision = await decideRunApproval(store, options, options.now);
    // The store appended the decision itself, not through a recorder: tell the listeners as one would.
    if (listeners.length > 0) {
      const state = foldRun(await store.events(runId));
      for (const listener of listeners) listener(decision, state);
    }

    const pending = await store.approvals({ runId, status: 'pending' });
    if (pending.length > 0) {
      return {
        ...(await asLogged(store, runId)),
        decision,
        continuation: { kind: 'approvals_pending', pending },
      };
    }
    try {
      const resumed = await resumeRun({ ...options, ...(toolbox && { toolbox }) });
      return { ...resumed, decision, continuation: { kind: 'continued' } };
    } catch (thrown) {
      if (!isAgentMeshError(thrown) || thrown.code !== 'run_leased') throw thrown;
      const holder = String(thrown.context.holder ?? 'another process');
      return { ...(await asLogged(store, runId)), decision, continuation: { kind: 'leased', holder } };
    }
  } finally {
    await ownToolbox?.close();
  }
}

function isDecision(event: StoredRunEvent): event is StoredDecision {
  return event.type === 'approval.decided';
}

/** The run as its log has it now, for a run this process did not continue. */
async function asLogged(store: RunStore, runId: string): Promise<DrivenRun> {
  return { state: foldRun(await store.events(runId)), artifactsDir: null };
}

function notWaitingError(runId: string, status: string): AgentMeshError {
  // Decided but never continued (the deciding process died before resuming): resume is the way on.
  const message =
    status === 'awaiting_approval'
      ? `Run ${runId} has no approval waiting: every one is decided already; continue it with agentmesh resume ${runId}.`
      : `Run ${runId} is not waiting for approval (status: ${status}); agentmesh runs show ${runId} shows its state.`;
  return new AgentMeshError({ code: 'approval_not_pending', message, context: { runId, status } });
}
