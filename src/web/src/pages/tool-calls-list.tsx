import type { RunState } from '../api/api-types';
import { agentColor, clip, formatDuration } from '../format';

/** A run's tool calls, newest last; each opens to its arguments and result. */
export function ToolCallsList({ calls }: { calls: RunState['toolCalls'] }) {
  if (calls.length === 0) return <p className="muted">No tool calls.</p>;
  return (
    <ul className="tool-calls">
      {calls.map((call) => (
        <li key={`${call.callId}-${call.epoch}`}>
          <details>
            <summary>
              <span className="agent-dot" style={{ background: agentColor(call.agentId) }} />
              <code>{call.tool}</code>
              <span
                className={`tag ${call.status === 'failed' ? 'tag-red' : call.status === 'called' ? 'tag-amber' : 'tag-green'}`}
              >
                {call.status}
              </span>
              {call.durationMs !== undefined ? (
                <span className="muted">{formatDuration(call.durationMs)}</span>
              ) : null}
            </summary>
            <div className="tool-call-body">
              <div className="muted">arguments</div>
              <pre className="code">{call.arguments || '(none)'}</pre>
              <div className="muted">{call.error ? 'error' : 'result'}</div>
              <pre className="code">
                {call.error ? call.error.message : clip(call.result ?? '(no result yet)', 4000)}
              </pre>
            </div>
          </details>
        </li>
      ))}
    </ul>
  );
}
