import { Hono } from 'hono';
import { foldRun, type RunStatus } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import { findOrphanedRuns } from '../runtime/orphaned-runs.js';
import { leaseHolderAlive } from '../runtime/run-lease.js';
import type { RunService, StartedRun } from '../runtime/run-service.js';
import { runListCursor } from '../store/run-list-cursor.js';
import type { RunStore, RunSummary } from '../store/run-store.js';
import type {
  DecisionBody,
  DecisionResponse,
  RunDetailResponse,
  RunListResponse,
  RunStartedResponse,
} from './api-types.js';
import { fieldError, optionalNumber, optionalString, readJsonObject } from './read-json-body.js';
import { runEventsSse } from './run-events-sse.js';
import { actorOf, type ServerEnv } from './server-env.js';

const STATUSES: readonly RunStatus[] = ['running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled'];
const MAX_LIMIT = 200;

/** `/api/runs`: list, get, start, cancel, resume, approve/reject, and live events (SSE). */
export function runsRoutes(deps: {
  store: RunStore;
  runs: RunService;
  /** How often SSE reads a run executed by another process. @default 500 */
  pollMs?: number;
}): Hono<ServerEnv> {
  const { store, runs } = deps;
  const app = new Hono<ServerEnv>();

  app.get('/', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !STATUSES.includes(status as RunStatus)) {
      throw fieldError('status', `Unknown run status "${status}"; use one of ${STATUSES.join(', ')}.`);
    }
    const limit = listLimit(c.req.query('limit'));
    const cursor = c.req.query('cursor');
    // One more than asked says whether another page follows.
    const found = await store.listRuns({
      limit: limit + 1,
      ...(status !== undefined && { status: status as RunStatus }),
      ...(cursor !== undefined && cursor !== '' && { cursor }),
    });
    const page = found.slice(0, limit);
    const last = page.at(-1);
    const body: RunListResponse = {
      runs: page,
      nextCursor: found.length > limit && last !== undefined ? runListCursor(last) : null,
    };
    return c.json(body);
  });

  app.post('/', async (c) => {
    const body = await readJsonObject(c, { required: true });
    const task = body.task;
    if (typeof task !== 'string') {
      throw fieldError('task', 'The task is missing or not a string; send {"task": "Write a CSV parser"}.');
    }
    const team = optionalString(body, 'team');
    const agent = optionalString(body, 'agent');
    const maxCostUsd = optionalNumber(body, 'maxCostUsd');
    const started = await runs.start({
      task,
      by: actorOf(c.get('principal')),
      ...(team !== undefined && { team }),
      ...(agent !== undefined && { agent }),
      ...(maxCostUsd !== undefined && { maxCostUsd }),
    });
    return c.json(startedResponse(started), 202);
  });

  // Before /:id, which would take "orphaned" for a run id.
  app.get('/orphaned', async (c) => {
    const orphans = await findOrphanedRuns(store);
    return c.json({ runs: orphans.filter((run) => !runs.isExecuting(run.runId)) });
  });

  app.get('/:id', async (c) => {
    const runId = c.req.param('id');
    const summary = await existingRun(store, runId);
    const [events, approvals] = await Promise.all([store.events(runId), store.approvals({ runId })]);
    const executingHere = runs.isExecuting(runId);
    const body: RunDetailResponse = {
      summary,
      state: foldRun(events),
      approvals,
      executingHere,
      orphaned: !executingHere && isOrphaned(summary),
    };
    return c.json(body);
  });

  app.get('/:id/events', (c) =>
    runEventsSse(c, { store, runs, ...(deps.pollMs !== undefined && { pollMs: deps.pollMs }) }),
  );

  app.post('/:id/cancel', async (c) => {
    const summary = await runs.cancel(c.req.param('id'), actorOf(c.get('principal')));
    return c.json({ runId: summary.runId, status: summary.status }, 202);
  });

  app.post('/:id/resume', async (c) => {
    const started = await runs.resume(c.req.param('id'), actorOf(c.get('principal')));
    return c.json(startedResponse(started), 202);
  });

  for (const [action, decision] of [
    ['approve', 'approved'],
    ['reject', 'rejected'],
  ] as const) {
    app.post(`/:id/${action}`, async (c) => {
      const body = await readJsonObject(c);
      const request: DecisionBody = {};
      const approvalId = optionalString(body, 'approvalId');
      const comment = optionalString(body, 'comment');
      if (approvalId !== undefined) request.approvalId = approvalId;
      if (comment !== undefined) request.comment = comment;
      const runId = c.req.param('id');
      const { decision: stored, continuation } = await runs.decide({
        runId,
        decision,
        decidedBy: actorOf(c.get('principal')),
        ...request,
      });
      const answer: DecisionResponse = {
        runId,
        approvalId: stored.approvalId,
        decision: stored.decision,
        continuation,
      };
      return c.json(answer);
    });
  }
  return app;
}

function startedResponse({ runId }: StartedRun): RunStartedResponse {
  return { runId, url: `/api/runs/${runId}`, eventsUrl: `/api/runs/${runId}/events` };
}

/** `?limit=`: a whole number 1–200, 50 when absent. */
function listLimit(given: string | undefined): number {
  if (given === undefined || given === '') return 50;
  const limit = Number(given);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw fieldError('limit', `limit must be a whole number from 1 to ${MAX_LIMIT}; got "${given}".`);
  }
  return limit;
}

async function existingRun(store: RunStore, runId: string): Promise<RunSummary> {
  const summary = await store.getRun(runId);
  if (summary !== undefined) return summary;
  throw new AgentMeshError({
    code: 'run_not_found',
    message: `No run ${runId} in the run store; GET /api/runs lists the stored runs.`,
    context: { runId },
  });
}

/** Left `running` by a process that died: no lease, or one whose holder is gone. */
function isOrphaned(summary: RunSummary): boolean {
  if (summary.status !== 'running') return false;
  return summary.lease === null || !leaseHolderAlive(summary.lease, Date.now());
}
