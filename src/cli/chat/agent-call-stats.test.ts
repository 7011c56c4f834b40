import { describe, expect, it } from 'vitest';
import type { LlmCallRecord } from '../../store/run-store.js';
import { agentCallStats } from './agent-call-stats.js';
import { debugTable } from './debug-table.js';

function call(agentId: string, patch: Partial<LlmCallRecord> = {}): LlmCallRecord {
  return {
    runId: 'run_1',
    stepId: `${agentId}-1`,
    agentId,
    provider: 'custom',
    model: 'sim-model',
    attempt: 1,
    outcome: 'ok',
    promptTokens: 100,
    completionTokens: 20,
    cachedTokens: 0,
    reasoningTokens: 0,
    costUsd: 0.001,
    costKnown: true,
    cached: false,
    savedUsd: 0,
    latencyMs: 100,
    status: 200,
    errorCode: null,
    errorMessage: null,
    requestId: null,
    at: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('agentCallStats', () => {
  it('sums each agent in the order agents first called, with a total', () => {
    const { agents, total } = agentCallStats([
      call('planner', { latencyMs: 100 }),
      call('coder', { latencyMs: 300, promptTokens: 200, completionTokens: 50, costUsd: 0.002 }),
      call('planner', { latencyMs: 200, promptTokens: 150, completionTokens: 30 }),
    ]);
    expect(agents.map((row) => row.key)).toEqual(['planner', 'coder']);
    expect(agents[0]).toMatchObject({ calls: 2, promptTokens: 250, completionTokens: 50, avgLatencyMs: 150 });
    expect(agents[0]!.costUsd).toBeCloseTo(0.002, 12);
    expect(agents[1]).toMatchObject({ calls: 1, promptTokens: 200, completionTokens: 50, avgLatencyMs: 300 });
    expect(total).toMatchObject({ key: 'total', calls: 3, promptTokens: 450, completionTokens: 100 });
    expect(total.avgLatencyMs).toBe(200);
    expect(total.costUsd).toBeCloseTo(0.004, 12);
  });

  it('counts failed and cached calls but leaves them out of the average latency', () => {
    const { agents } = agentCallStats([
      call('coder', {
        outcome: 'error',
        latencyMs: 30_000,
        promptTokens: 0,
        completionTokens: 0,
        costUsd: 0,
      }),
      call('coder', { cached: true, latencyMs: 1, costUsd: 0, savedUsd: 0.001 }),
      call('coder', { latencyMs: 400 }),
    ]);
    expect(agents[0]).toMatchObject({ calls: 3, errors: 1, cacheHits: 1, avgLatencyMs: 400 });
  });

  it('has no average latency for an agent whose calls all failed', () => {
    const { agents } = agentCallStats([call('critic', { outcome: 'error' })]);
    expect(agents[0]!.avgLatencyMs).toBeNull();
  });

  it('is empty, with a zero total, for a run without calls', () => {
    const { agents, total } = agentCallStats([]);
    expect(agents).toEqual([]);
    expect(total).toMatchObject({ calls: 0, costUsd: 0, avgLatencyMs: null });
  });
});

describe('debugTable', () => {
  it('prints a header, one aligned line per agent, and the total', () => {
    const { agents, total } = agentCallStats([
      call('planner', { latencyMs: 120 }),
      call('coder', { latencyMs: 250, costKnown: false, costUsd: 0 }),
    ]);
    const lines = debugTable(agents, total);
    expect(lines).toHaveLength(4);
    expect(lines[0]).toMatch(/^AGENT\s+CALLS\s+ERRORS\s+PROMPT TOK\s+COMPL TOK\s+AVG LATENCY MS\s+COST USD$/);
    expect(lines[1]).toMatch(/^planner\s+1\s+0\s+100\s+20\s+120\s+\$0\.001000$/);
    expect(lines[2]).toMatch(/^coder\s+1\s+0\s+100\s+20\s+250\s+\$0\.000000\+\?$/);
    expect(lines[3]).toMatch(/^TOTAL\s+2\s+0\s+200\s+40\s+185\s+\$0\.001000\+\?$/);
    // Right-aligned numbers: every line is as long as the longest.
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('shows a dash for an agent without a timed call', () => {
    const { agents, total } = agentCallStats([call('critic', { outcome: 'error' })]);
    expect(debugTable(agents, total)[1]).toMatch(/\s-\s+\$/);
  });
});
