import { useState } from 'react';
import type { RunDetailResponse, RunStartedResponse, TeamView } from '../api/api-types';
import { api, messageOf } from '../api/client';
import { MermaidGraph } from '../components/mermaid-graph';
import { ErrorNote, Loading, PageHeader, Stat } from '../components/notes';
import { StatusBadge } from '../components/status-badge';
import { elapsedMs, formatCost, formatDuration, formatTime, formatTokens } from '../format';
import { useApi, useInterval } from '../hooks/use-api';
import { useRunLive } from '../hooks/use-run-live';
import { useSession } from '../session';
import { ApprovalsPanel } from './approvals-panel';
import { RunTimeline } from './run-timeline';
import { RunTranscript } from './run-transcript';
import { ToolCallsList } from './tool-calls-list';

/** One run: header and actions, approvals, timeline, live transcript, team graph, tool calls, output. */
export function RunPage({ runId }: { runId: string }) {
  const live = useRunLive(runId);
  const { canOperate } = useSession();
  const { detail } = live;
  const active = detail?.state.status === 'running';
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), 1000, active);

  if (!detail) {
    return (
      <section>
        <PageHeader title="Run" sub={<code>{runId}</code>} />
        {live.error ? <ErrorNote error={live.error} /> : <Loading what="Loading run" />}
      </section>
    );
  }
  const { state, summary } = detail;
  return (
    <section className="run-page">
      <RunHeader detail={detail} now={now} onChanged={() => void live.refresh().then(live.restartStream)} />
      <ErrorNote error={live.error} />
      <ApprovalsPanel detail={detail} canDecide={canOperate} onDecided={() => void live.refresh()} />
      <div className="card">
        <div className="card-head">
          <h2>Timeline</h2>
          <StreamState stream={live.stream} />
        </div>
        <RunTimeline events={live.events} agents={state.agents} now={now} />
      </div>
      <div className="run-grid">
        <div className="run-main">
          <div className="card">
            <div className="card-head">
              <h2>Transcript</h2>
              <span className="muted">
                {state.transcript.length} message{state.transcript.length === 1 ? '' : 's'}
              </span>
            </div>
            <RunTranscript state={state} pending={live.pending} />
          </div>
          {state.error ? (
            <div className="card card-error" data-testid="run-error">
              <h2>Error</h2>
              <p>
                <code>{state.error.code}</code> {state.error.message}
              </p>
            </div>
          ) : null}
          {state.output !== null ? (
            <div className="card" data-testid="run-output">
              <h2>Final output</h2>
              <pre className="code output">{state.output || '(empty)'}</pre>
            </div>
          ) : null}
        </div>
        <aside className="run-side">
          <TeamGraph team={summary.team} />
          <div className="card">
            <h2>Tool calls</h2>
            <ToolCallsList calls={state.toolCalls} />
          </div>
          <div className="card">
            <h2>Steps</h2>
            <div className="table-scroll">
              <table className="table table-compact">
                <thead>
                  <tr>
                    <th>Step</th>
                    <th>Status</th>
                    <th className="num">Tokens</th>
                    <th className="num">Cost</th>
                  </tr>
                </thead>
                <tbody>
                  {state.steps.map((step) => (
                    <tr key={step.stepId}>
                      <td className="mono nowrap" title={step.agentId}>
                        {step.stepId}
                      </td>
                      <td>
                        <StatusBadge status={step.status} compact />
                      </td>
                      <td className="num">
                        {formatTokens((step.usage?.promptTokens ?? 0) + (step.usage?.completionTokens ?? 0))}
                      </td>
                      <td className="num">{formatCost(step.usage?.costUsd ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </div>
        </aside>
      </div>
    </section>
  );
}

function RunHeader({
  detail,
  now,
  onChanged,
}: {
  detail: RunDetailResponse;
  now: number;
  onChanged(): void;
}) {
  const { canOperate } = useSession();
  const { state, summary } = detail;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const status = state.status;
  const canCancel =
    canOperate && detail.executingHere && (status === 'running' || status === 'awaiting_approval');
  const canResume =
    canOperate && !detail.executingHere && (detail.orphaned || status === 'failed' || status === 'cancelled');

  async function act(action: 'cancel' | 'resume') {
    setBusy(true);
    setError(null);
    try {
      await api<RunStartedResponse | { runId: string }>(
        `/api/runs/${encodeURIComponent(summary.runId)}/${action}`,
        {
          method: 'POST',
        },
      );
      onChanged();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  const tokens = state.usage.promptTokens + state.usage.completionTokens;
  return (
    <>
      <PageHeader
        title={
          <span className="run-title">
            Run <code>{summary.runId}</code>
            <StatusBadge status={status} />
            {detail.orphaned ? <StatusBadge status="orphaned" /> : null}
          </span>
        }
        sub={state.stopReason ? `stopped: ${state.stopReason.replaceAll('_', ' ')}` : undefined}
        actions={
          <>
            {canCancel ? (
              <button
                type="button"
                className="button button-danger"
                disabled={busy}
                onClick={() => act('cancel')}
              >
                Cancel run
              </button>
            ) : null}
            {canResume ? (
              <button
                type="button"
                className="button button-primary"
                disabled={busy}
                onClick={() => act('resume')}
              >
                Resume
              </button>
            ) : null}
          </>
        }
      />
      <ErrorNote error={error} />
      <div className="stats card">
        <Stat label="Team" value={state.team} />
        <Stat label="Pattern" value={state.pattern} />
        <Stat label="Started" value={formatTime(state.startedAt)} title={state.startedAt} />
        <Stat label="Duration" value={formatDuration(elapsedMs(state.startedAt, state.finishedAt, now))} />
        <Stat
          label="Tokens"
          value={formatTokens(tokens)}
          title={`${state.usage.promptTokens} prompt + ${state.usage.completionTokens} completion (${state.usage.cachedTokens} cached)`}
        />
        <Stat label="Cost" value={formatCost(state.usage.costUsd)} />
        <Stat label="LLM calls" value={String(state.calls)} />
      </div>
    </>
  );
}

function TeamGraph({ team }: { team: string }) {
  const view = useApi<TeamView>(`/api/teams/${encodeURIComponent(team)}`);
  return (
    <div className="card">
      <h2>Team graph</h2>
      {view.error ? <p className="muted">{view.error}</p> : null}
      {view.data ? <MermaidGraph source={view.data.mermaid} label={`Team ${team}`} /> : null}
    </div>
  );
}

const STREAM_LABELS: Record<string, string> = {
  connecting: 'connecting…',
  live: 'live',
  reconnecting: 'reconnecting…',
  ended: 'finished',
  failed: 'not live',
};

function StreamState({ stream }: { stream: string }) {
  return <span className={`stream stream-${stream}`}>{STREAM_LABELS[stream] ?? stream}</span>;
}
