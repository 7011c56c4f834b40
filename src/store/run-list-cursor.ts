import { AgentMeshError } from '../errors/index.js';
import type { RunSummary } from './run-store.js';

/** Where a page of `listRuns` ended: the last run shown, by start time and id. */
export interface RunListPosition {
  createdAt: string;
  runId: string;
}

/**
 * The opaque cursor of the page after `run` (the last run of a page): `listRuns({ cursor })` lists the
 * runs that come after it, newest first. Keyed on the run, not an offset, so runs started meanwhile
 * neither repeat nor skip a run on the next page.
 */
export function runListCursor(run: Pick<RunSummary, 'createdAt' | 'runId'>): string {
  return Buffer.from(JSON.stringify([run.createdAt, run.runId])).toString('base64url');
}

/** Reads a cursor of {@link runListCursor}; a cursor that is not one is a `usage` error (field `cursor`). */
export function parseRunListCursor(cursor: string): RunListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== 2 ||
    typeof parsed[0] !== 'string' ||
    typeof parsed[1] !== 'string'
  ) {
    throw new AgentMeshError({
      code: 'usage',
      message: `The cursor "${cursor.slice(0, 60)}" is not one this server gave; pass the nextCursor of the page before, or none for the first page.`,
      context: { field: 'cursor' },
    });
  }
  return { createdAt: parsed[0], runId: parsed[1] };
}
