import type { StoredRunEvent } from '../api/api-types';
import { agentColor, formatDuration } from '../format';
import { buildTimeline, type TimelineBar } from './timeline-model';

const TICKS = [0, 0.25, 0.5, 0.75, 1];

/** Steps as bars on a shared time axis, one lane per agent. */
export function RunTimeline({
  events,
  agents,
  now,
}: {
  events: StoredRunEvent[];
  agents: string[];
  now: number;
}) {
  const timeline = buildTimeline(events, agents);
  if (Number.isNaN(timeline.start) || timeline.lanes.every((lane) => lane.bars.length === 0)) {
    return <p className="muted">No steps yet.</p>;
  }
  const end = timeline.end ?? now;
  const span = Math.max(end - timeline.start, 1);
  const place = (bar: TimelineBar) => {
    const left = ((bar.start - timeline.start) / span) * 100;
    const right = (((bar.end ?? now) - timeline.start) / span) * 100;
    return { left: `${left}%`, width: `max(${Math.max(right - left, 0)}%, 3px)` };
  };
  return (
    <div className="timeline" data-testid="timeline">
      {timeline.lanes.map((lane) => (
        <div className="timeline-lane" key={lane.agentId}>
          <div className="timeline-agent">
            <span className="agent-dot" style={{ background: agentColor(lane.agentId) }} />
            {lane.agentId}
          </div>
          <div className="timeline-track">
            {TICKS.map((tick) => (
              <span key={tick} className="timeline-grid" style={{ left: `${tick * 100}%` }} />
            ))}
            {lane.bars.map((bar) => (
              <span
                key={`${bar.stepId}-${bar.start}`}
                className={`timeline-bar bar-${bar.status}`}
                style={{ ...place(bar), backgroundColor: agentColor(lane.agentId) }}
                title={`${bar.stepId} · round ${bar.round} · ${bar.status.replace('_', ' ')} · ${formatDuration((bar.end ?? now) - bar.start)}`}
              />
            ))}
          </div>
        </div>
      ))}
      <div className="timeline-lane timeline-axis">
        <div className="timeline-agent" />
        <div className="timeline-track">
          {TICKS.map((tick) => (
            <span key={tick} className="timeline-tick" style={{ left: `${tick * 100}%` }}>
              {tick === 0 ? '0' : `+${formatDuration(span * tick)}`}
            </span>
          ))}
        </div>
      </div>
    </div>
  );
}
