import { AgentMeshError } from '../../errors/index.js';

/** Settling a reservation the ledger never made is a bug in the caller, not a budget problem. */
export function unknownReservationError(id: string, where: string): AgentMeshError {
  return new AgentMeshError({
    code: 'internal',
    message: `Budget reservation ${id} is not in the ledger at ${where}, so it cannot be settled; settle only what reserve() returned.`,
    context: { reservationId: id, where },
  });
}

/** A ledger used after close. */
export function ledgerClosedError(where: string): AgentMeshError {
  return new AgentMeshError({
    code: 'store',
    message: `The budget ledger at ${where} is closed; open a new one instead of reusing a closed one.`,
    context: { where },
  });
}
