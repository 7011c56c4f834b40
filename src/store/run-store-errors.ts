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
