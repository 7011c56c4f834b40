import { randomBytes } from 'node:crypto';

/** A time-sortable run id such as `run_lx2k9a7f_3f9c1b2a`. */
export function newRunId(now: Date = new Date()): string {
  return `run_${now.getTime().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** The id of one step of a run: stable for a given position, so resume can find it again. */
export function stepIdFor(agentId: string, index: number): string {
  return `${String(index).padStart(3, '0')}-${agentId}`;
}
