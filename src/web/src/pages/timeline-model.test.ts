import { describe, expect, it } from 'vitest';
import type { StoredRunEvent } from '../api/api-types';
import { buildTimeline } from './timeline-model';

const runId = 'r1';
let seq = 0;
function at(second: number): string {
  return new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
}
function event(fields: Record<string, unknown>): StoredRunEvent {
  seq += 1;
  return { runId, seq, ...fields } as unknown as StoredRunEvent;
}

describe('buildTimeline', () => {
  it('draws each step execution as a bar in its agent lane, with approvals and a stop at the end', () => {
    const events = [
      event({
        type: 'run.started',
        at: at(0),
        task: 't',
        team: 'x',
        pattern: 'pipeline',
        agents: ['planner', 'coder'],
      }),
      event({ type: 'step.started', at: at(1), stepId: '000-planner', agentId: 'planner', round: 1 }),
      event({ type: 'step.completed', at: at(3), stepId: '000-planner', agentId: 'planner' }),
      event({ type: 'step.started', at: at(3), stepId: '001-coder', agentId: 'coder', round: 1 }),
      event({ type: 'step.completed', at: at(5), stepId: '001-coder', agentId: 'coder' }),
      event({
        type: 'approval.requested',
        at: at(5),
        approvalId: 'a1',
        stepId: '001-coder',
        agentId: 'coder',
      }),
      event({
        type: 'approval.decided',
        at: at(8),
        approvalId: 'a1',
        stepId: '001-coder',
        agentId: 'coder',
        decision: 'rejected',
      }),
      event({ type: 'step.started', at: at(8), stepId: '001-coder', agentId: 'coder', round: 1 }),
      event({ type: 'run.finished', at: at(9), status: 'cancelled', stopReason: 'cancelled', output: '' }),
    ];
    const timeline = buildTimeline(events, ['planner', 'coder']);
    const start = Date.parse(at(0));
    expect(timeline.start).toBe(start);
    expect(timeline.end).toBe(Date.parse(at(9)));
    expect(timeline.lanes.map((lane) => lane.agentId)).toEqual(['planner', 'coder']);
    const seconds = (value: number | null) => (value === null ? null : (value - start) / 1000);
    expect(timeline.lanes[1]?.bars.map((bar) => [seconds(bar.start), seconds(bar.end), bar.status])).toEqual([
      [3, 5, 'rejected'],
      [8, 9, 'stopped'],
    ]);
    expect(timeline.lanes[0]?.bars.map((bar) => bar.status)).toEqual(['completed']);
  });

  it('leaves a running step open and adds agents not named by the team', () => {
    const events = [
      event({
        type: 'run.started',
        at: at(0),
        task: 't',
        team: 'x',
        pattern: 'selector',
        agents: ['planner'],
      }),
      event({ type: 'step.started', at: at(2), stepId: 's1', agentId: 'guest', round: 1 }),
    ];
    const timeline = buildTimeline(events, ['planner']);
    expect(timeline.end).toBeNull();
    expect(timeline.lanes.map((lane) => [lane.agentId, lane.bars.map((bar) => bar.end)])).toEqual([
      ['planner', []],
      ['guest', [null]],
    ]);
  });
});
