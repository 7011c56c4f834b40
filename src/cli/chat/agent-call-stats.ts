import type { LlmCallRecord } from '../../store/run-store.js';
import { summarizeUsage } from '../../store/usage-aggregate.js';
import type { UsageRow } from '../../store/usage-query.js';

/** One agent's LLM calls in a run, summed, with the average latency `/debug` shows. */
export interface AgentCallStats extends UsageRow {
  /** Mean latency of the agent's successful provider calls (not cache hits, not failures); null when none. */
  avgLatencyMs: number | null;
}

/**
 * Per-agent sums of a run's LLM calls, agents in the order they first called (the order they spoke),
 * and the total. Averages leave out cache hits (a lookup) and failures (a timeout or an error page),
 * as `agentmesh usage` does for its percentiles.
 */
export function agentCallStats(calls: readonly LlmCallRecord[]): {
  agents: AgentCallStats[];
  total: AgentCallStats;
} {
  const byAgent = new Map<string, LlmCallRecord[]>();
  for (const call of calls) {
    const group = byAgent.get(call.agentId);
    if (group) group.push(call);
    else byAgent.set(call.agentId, [call]);
  }
  const withAverage = (group: readonly LlmCallRecord[], key: string): AgentCallStats => ({
    ...summarizeUsage(group, key),
    avgLatencyMs: averageLatency(group),
  });
  return {
    agents: [...byAgent].map(([agentId, group]) => withAverage(group, agentId)),
    total: withAverage(calls, 'total'),
  };
}

function averageLatency(calls: readonly LlmCallRecord[]): number | null {
  const timed = calls.filter((call) => call.outcome === 'ok' && !call.cached);
  if (timed.length === 0) return null;
  return timed.reduce((sum, call) => sum + call.latencyMs, 0) / timed.length;
}
