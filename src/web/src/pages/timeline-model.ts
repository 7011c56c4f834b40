import type { StoredRunEvent } from '../api/api-types';

/** One execution of a step: a bar on the timeline. */
export interface TimelineBar {
  stepId: string;
  agentId: string;
  round: number;
  start: number;
  /** null while it runs. */
  end: number | null;
  status: 'running' | 'completed' | 'failed' | 'awaiting_approval' | 'approved' | 'rejected' | 'stopped';
}

/** The bars by agent and the span they cover, folded from the run's stored events. */
export interface Timeline {
  lanes: { agentId: string; bars: TimelineBar[] }[];
  start: number;
  end: number | null;
}

/** Folds stored events into per-agent bars: `step.started` opens one, its completion or failure closes it. */
export function buildTimeline(events: readonly StoredRunEvent[], agentOrder: readonly string[]): Timeline {
  const bars: TimelineBar[] = [];
  const open = new Map<string, TimelineBar>();
  const last = new Map<string, TimelineBar>();
  let start = Number.NaN;
  let end: number | null = null;
  for (const event of events) {
    const at = Date.parse(event.at);
    if (Number.isNaN(start)) start = at;
    switch (event.type) {
      case 'run.started':
        start = at;
        break;
      case 'run.resumed':
        end = null;
        break;
      case 'step.started': {
        const bar: TimelineBar = {
          stepId: event.stepId,
          agentId: event.agentId,
          round: event.round,
          start: at,
          end: null,
          status: 'running',
        };
        bars.push(bar);
        open.set(event.stepId, bar);
        last.set(event.stepId, bar);
        break;
      }
      case 'step.completed':
      case 'step.failed': {
        const bar = open.get(event.stepId);
        if (bar) {
          bar.end = at;
          bar.status = event.type === 'step.completed' ? 'completed' : 'failed';
          open.delete(event.stepId);
        }
        break;
      }
      case 'approval.requested': {
        const bar = last.get(event.stepId);
        if (bar && event.callId === undefined) bar.status = 'awaiting_approval';
        break;
      }
      case 'approval.decided': {
        const bar = last.get(event.stepId);
        if (bar && bar.status === 'awaiting_approval') bar.status = event.decision;
        break;
      }
      case 'run.finished':
        end = at;
        for (const bar of open.values()) {
          bar.end = at;
          bar.status = 'stopped';
        }
        open.clear();
        break;
      default:
        break;
    }
  }
  const agents = [...agentOrder, ...bars.map((bar) => bar.agentId).filter((id) => !agentOrder.includes(id))];
  const lanes = [...new Set(agents)].map((agentId) => ({
    agentId,
    bars: bars.filter((bar) => bar.agentId === agentId),
  }));
  return { lanes, start, end };
}
