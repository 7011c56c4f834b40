import type { RunState } from '../api/api-types';
import { agentColor } from '../format';
import type { LiveMessage } from '../hooks/use-run-live';

/** The task, then each agent message (stored, just announced, or still typing). */
export function RunTranscript({ state, pending }: { state: RunState; pending: LiveMessage[] }) {
  const stepStatus = new Map(state.steps.map((step) => [step.stepId, step.status]));
  const messages: (LiveMessage & { model?: string })[] = [
    ...state.transcript.map((message) => ({ ...message, typing: false })),
    ...pending,
  ];
  return (
    <ol className="transcript" data-testid="transcript">
      <li className="message message-task">
        <div className="message-head">
          <span className="avatar avatar-task" aria-hidden="true">
            ✦
          </span>
          <span className="message-agent">Task</span>
        </div>
        <div className="message-body">{state.task}</div>
      </li>
      {messages.map((message, index) => {
        const status = message.stepId ? stepStatus.get(message.stepId) : undefined;
        return (
          <li
            key={
              message.stepId ? `${message.stepId}-${message.typing}` : `typing-${message.agentId}-${index}`
            }
            className={message.typing ? 'message message-typing' : 'message'}
            data-agent={message.agentId}
          >
            <div className="message-head">
              <span className="avatar" style={{ background: agentColor(message.agentId) }} aria-hidden="true">
                {message.agentId.slice(0, 1).toUpperCase()}
              </span>
              <span className="message-agent">{message.agentId}</span>
              {message.model ? <span className="message-meta">{message.model}</span> : null}
              {message.stepId ? <span className="message-meta">{message.stepId}</span> : null}
              {message.typing ? <span className="typing-label">typing…</span> : null}
              {status === 'awaiting_approval' ? (
                <span className="tag tag-amber">awaiting approval</span>
              ) : null}
              {status === 'rejected' ? <span className="tag tag-red">rejected</span> : null}
            </div>
            <div className="message-body">
              {message.content}
              {message.typing ? <span className="caret" aria-hidden="true" /> : null}
            </div>
          </li>
        );
      })}
      {messages.length === 0 && state.status === 'running' ? (
        <li className="message message-empty muted">Waiting for the first agent to answer…</li>
      ) : null}
    </ol>
  );
}
