import { useState } from 'react';
import type { DecisionBody, DecisionResponse, RunDetailResponse } from '../api/api-types';
import { api, messageOf } from '../api/client';
import { agentColor, formatTime, preview } from '../format';

/** The run's pending approvals, each with its output and Approve / Reject (+ comment) buttons. */
export function ApprovalsPanel({
  detail,
  canDecide,
  onDecided,
}: {
  detail: RunDetailResponse;
  canDecide: boolean;
  onDecided(): void;
}) {
  const pending = detail.approvals.filter((approval) => approval.status === 'pending');
  if (pending.length === 0) return null;
  return (
    <section className="card approvals" aria-label="Pending approvals">
      <h2>
        Waiting for you <span className="count">{pending.length}</span>
      </h2>
      {pending.map((approval) => {
        const output = [...detail.state.transcript].reverse().find((m) => m.stepId === approval.stepId);
        const toolCall = detail.state.approvals.find((a) => a.approvalId === approval.approvalId)?.callId;
        return (
          <ApprovalItem
            key={approval.approvalId}
            runId={detail.summary.runId}
            approvalId={approval.approvalId}
            agentId={approval.agentId}
            stepId={approval.stepId}
            requestedAt={approval.requestedAt}
            what={
              toolCall ? `tool call ${toolCall}` : output ? preview(output.content, 240) : 'the step’s output'
            }
            canDecide={canDecide}
            onDecided={onDecided}
          />
        );
      })}
    </section>
  );
}

function ApprovalItem(props: {
  runId: string;
  approvalId: string;
  agentId: string;
  stepId: string;
  requestedAt: string;
  what: string;
  canDecide: boolean;
  onDecided(): void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState<'approve' | 'reject' | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function decide(action: 'approve' | 'reject') {
    setBusy(action);
    setError(null);
    const body: DecisionBody = { approvalId: props.approvalId };
    if (comment.trim()) body.comment = comment.trim();
    try {
      await api<DecisionResponse>(`/api/runs/${encodeURIComponent(props.runId)}/${action}`, { body });
      props.onDecided();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="approval" data-approval={props.approvalId}>
      <div className="approval-head">
        <span className="agent-dot" style={{ background: agentColor(props.agentId) }} />
        <strong>{props.agentId}</strong>
        <span className="muted">
          step {props.stepId} · asked {formatTime(props.requestedAt)}
        </span>
      </div>
      <p className="approval-what">{props.what}</p>
      {props.canDecide ? (
        <>
          <textarea
            className="approval-comment"
            rows={2}
            placeholder="Comment (sent to the agent when you reject)"
            value={comment}
            onChange={(event) => setComment(event.target.value)}
            aria-label="Comment"
          />
          <div className="form-actions">
            <button
              type="button"
              className="button button-success"
              disabled={busy !== null}
              onClick={() => decide('approve')}
            >
              {busy === 'approve' ? 'Approving…' : 'Approve'}
            </button>
            <button
              type="button"
              className="button button-danger"
              disabled={busy !== null}
              onClick={() => decide('reject')}
            >
              {busy === 'reject' ? 'Rejecting…' : 'Reject'}
            </button>
          </div>
        </>
      ) : (
        <p className="muted">An operator or admin decides this.</p>
      )}
      {error ? <p className="note note-error">{error}</p> : null}
    </div>
  );
}
