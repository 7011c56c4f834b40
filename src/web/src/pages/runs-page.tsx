import { useCallback, useEffect, useState } from 'react';
import type { RunListResponse, RunStartedResponse, RunSummary } from '../api/api-types';
import { api, messageOf } from '../api/client';
import { ErrorNote, Loading, PageHeader } from '../components/notes';
import { StatusBadge } from '../components/status-badge';
import { elapsedMs, formatCost, formatDuration, formatTime, formatTokens, preview } from '../format';
import { useApi, useInterval } from '../hooks/use-api';
import { hrefOf, navigate } from '../router';
import { useSession } from '../session';
import { NewRunForm } from './new-run-form';

const STATUSES = ['running', 'awaiting_approval', 'succeeded', 'failed', 'cancelled'];
const PAGE_SIZE = 50;

/** Every run, newest first: filter by status, load older pages, start a new run, resume orphans. */
export function RunsPage() {
  const { canOperate } = useSession();
  const [status, setStatus] = useState('');
  const [runs, setRuns] = useState<RunSummary[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const [showForm, setShowForm] = useState(false);
  const orphaned = useApi<{ runs: RunSummary[] }>('/api/runs/orphaned');
  const orphanIds = new Set((orphaned.data?.runs ?? []).map((run) => run.runId));

  const query = useCallback(
    (limit: number, after: string | null) => {
      const params = new URLSearchParams({ limit: String(limit) });
      if (status) params.set('status', status);
      if (after) params.set('cursor', after);
      return api<RunListResponse>(`/api/runs?${params}`);
    },
    [status],
  );

  // The first page again, as long as what is loaded (up to 200): statuses and costs move while runs run.
  const refresh = useCallback(
    async (limit: number) => {
      try {
        const page = await query(Math.min(Math.max(limit, PAGE_SIZE), 200), null);
        setRuns(page.runs);
        setCursor(page.nextCursor);
        setError(null);
      } catch (caught) {
        setError(messageOf(caught));
      }
    },
    [query],
  );

  useEffect(() => {
    setRuns(null);
    void refresh(PAGE_SIZE);
  }, [refresh]);

  const anyActive = (runs ?? []).some((run) => run.status === 'running');
  useInterval(() => void refresh(runs?.length ?? PAGE_SIZE), 3000, anyActive);

  async function loadMore() {
    if (!cursor) return;
    setLoadingMore(true);
    try {
      const page = await query(PAGE_SIZE, cursor);
      setRuns((before) => [...(before ?? []), ...page.runs]);
      setCursor(page.nextCursor);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setLoadingMore(false);
    }
  }

  async function resume(runId: string) {
    try {
      await api<RunStartedResponse>(`/api/runs/${encodeURIComponent(runId)}/resume`, { method: 'POST' });
      navigate({ page: 'run', runId });
    } catch (caught) {
      setError(messageOf(caught));
    }
  }

  return (
    <section>
      <PageHeader
        title="Runs"
        sub="Every team run on this server's store, newest first."
        actions={
          canOperate && !showForm ? (
            <button type="button" className="button button-primary" onClick={() => setShowForm(true)}>
              New run
            </button>
          ) : null
        }
      />
      {showForm ? <NewRunForm onClose={() => setShowForm(false)} /> : null}
      {orphanIds.size > 0 ? (
        <p className="note note-warning">
          {orphanIds.size === 1 ? 'One run was' : `${orphanIds.size} runs were`} left running by a process
          that stopped. {canOperate ? 'Resume continues where it stopped.' : 'An operator can resume them.'}
        </p>
      ) : null}
      <div className="toolbar">
        <label className="inline-field">
          Status
          <select
            value={status}
            onChange={(event) => setStatus(event.target.value)}
            aria-label="Filter by status"
          >
            <option value="">all</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        {runs ? <span className="muted">{runs.length} shown</span> : null}
      </div>
      <ErrorNote error={error} />
      {runs === null ? (
        <Loading what="Loading runs" />
      ) : runs.length === 0 ? (
        <div className="empty card">
          <p>No runs {status ? `with status “${status.replace('_', ' ')}”` : 'yet'}.</p>
          {canOperate && !status ? <p className="muted">Start one with “New run”.</p> : null}
        </div>
      ) : (
        <div className="table-wrap card">
          <table className="table runs-table">
            <thead>
              <tr>
                <th>Status</th>
                <th>Team</th>
                <th className="col-task">Task</th>
                <th>Started</th>
                <th className="num">Duration</th>
                <th className="num">Tokens</th>
                <th className="num">Cost</th>
                <th aria-label="Actions" />
              </tr>
            </thead>
            <tbody>
              {runs.map((run) => (
                <RunRow
                  key={run.runId}
                  run={run}
                  orphaned={orphanIds.has(run.runId)}
                  onResume={canOperate ? () => void resume(run.runId) : undefined}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}
      {cursor ? (
        <div className="load-more">
          <button type="button" className="button" onClick={loadMore} disabled={loadingMore}>
            {loadingMore ? 'Loading…' : 'Load more'}
          </button>
        </div>
      ) : null}
    </section>
  );
}

function RunRow({
  run,
  orphaned,
  onResume,
}: {
  run: RunSummary;
  orphaned: boolean;
  onResume: (() => void) | undefined;
}) {
  const finished = run.status === 'running' || run.status === 'awaiting_approval' ? null : run.updatedAt;
  const tokens = run.usage.promptTokens + run.usage.completionTokens;
  const href = hrefOf({ page: 'run', runId: run.runId });
  return (
    <tr className="row-link" onClick={() => navigate({ page: 'run', runId: run.runId })}>
      <td>
        <StatusBadge status={run.status} />
        {orphaned ? <StatusBadge status="orphaned" /> : null}
      </td>
      <td className="strong">{run.team}</td>
      <td className="col-task">
        <a href={href} onClick={(event) => event.stopPropagation()} title={run.task}>
          {preview(run.task) || <span className="muted">(no task)</span>}
        </a>
      </td>
      <td className="nowrap" title={run.createdAt}>
        {formatTime(run.createdAt)}
      </td>
      <td className="num">{formatDuration(elapsedMs(run.createdAt, finished))}</td>
      <td className="num">{formatTokens(tokens)}</td>
      <td className="num">{formatCost(run.usage.costUsd)}</td>
      <td className="actions">
        {orphaned && onResume ? (
          <button
            type="button"
            className="button button-small"
            onClick={(event) => {
              event.stopPropagation();
              onResume();
            }}
          >
            Resume
          </button>
        ) : null}
      </td>
    </tr>
  );
}
