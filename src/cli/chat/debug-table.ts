import type { AgentCallStats } from './agent-call-stats.js';

/**
 * The aligned text table `/debug` prints: one line per agent, then the total. Cost shows `+?` when some
 * calls had no price (their cost is unknown, not zero).
 */
export function debugTable(agents: readonly AgentCallStats[], total: AgentCallStats): string[] {
  const header = ['AGENT', 'CALLS', 'ERRORS', 'PROMPT TOK', 'COMPL TOK', 'AVG LATENCY MS', 'COST USD'];
  const cells = (row: AgentCallStats, key: string) => [
    key,
    String(row.calls),
    String(row.errors),
    String(row.promptTokens),
    String(row.completionTokens),
    row.avgLatencyMs === null ? '-' : String(Math.round(row.avgLatencyMs)),
    `$${row.costUsd.toFixed(6)}${row.unpricedCalls > 0 ? '+?' : ''}`,
  ];
  const table = [header, ...agents.map((row) => cells(row, row.key)), cells(total, 'TOTAL')];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
  // The agent column reads best left-aligned; numbers right-aligned so their digits line up.
  return table.map((line) =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}
