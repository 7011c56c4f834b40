import { AgentMeshError } from '../errors/index.js';

// Shared by every RunStore adapter so that callers (and the contract suite) see the same
// codes, wording and context whichever store the runtime picked.

/** An event other than `run.started` was appended to a run the store has never seen. */
export function runNotFoundError({
  runId,
  eventType,
  where,
}: {
  runId: string;
  eventType: string;
  where: string;
}): AgentMeshError {
  return new AgentMeshError({
    code: 'run_not_found',
    message: `Cannot append ${eventType} to run ${runId}: no such run in the run store at ${where}. A run's log must begin with run.started.`,
    context: { runId, eventType, where },
  });
}

/** A second `run.started` arrived for a run id that already has a log. */
export function runAlreadyStartedError({ runId, where }: { runId: string; where: string }): AgentMeshError {
  return new AgentMeshError({
    code: 'store',
    message: `Run ${runId} already exists in the run store at ${where}; a run's log has exactly one run.started. Start the new run with a fresh id (newRunId()).`,
    context: { runId, where },
  });
}

/** The store was used after `close()`. */
export function storeClosedError(where: string): AgentMeshError {
  return new AgentMeshError({
    code: 'store',
    message: `The run store at ${where} is closed. Open a new store instead of reusing a closed one.`,
    context: { where },
  });
}

/** A run id the store has never seen, where no event was being appended (a decision, a lookup). */
export function unknownRunError({ runId, where }: { runId: string; where: string }): AgentMeshError {
  return new AgentMeshError({
    code: 'run_not_found',
    message: `No run ${runId} in the run store at ${where}; agentmesh runs list shows the stored runs.`,
    context: { runId, where },
  });
}

/** A fenced append found the run's lease held by another process (or by nobody). */
export function leaseLostError({
  runId,
  leaseOwner,
  holder,
}: {
  runId: string;
  leaseOwner: string;
  holder: string | null;
}): AgentMeshError {
  const now = holder === null ? 'nobody holds it now' : `${holder} holds it now`;
  return new AgentMeshError({
    code: 'lease_lost',
    message: `Lost the lease of run ${runId} (${now}, not ${leaseOwner}); this process stopped writing to it. agentmesh runs show ${runId} shows its state.`,
    context: { runId, leaseOwner, holder },
  });
}

/** A second `approval.requested` with an id the run already has. */
export function approvalExistsError({
  runId,
  approvalId,
  where,
}: {
  runId: string;
  approvalId: string;
  where: string;
}): AgentMeshError {
  return new AgentMeshError({
    code: 'store',
    message: `Run ${runId} already has approval ${approvalId} in the run store at ${where}; request each approval once, with a fresh id.`,
    context: { runId, approvalId, where },
  });
}
