import { existsSync } from 'node:fs';
import { AgentMeshError } from '../../errors/index.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import type { LlmCallRecord } from '../../store/run-store.js';
import { aggregateUsage, summarizeUsage } from '../../store/usage-aggregate.js';
import { USAGE_GROUPS, type UsageGroupBy, type UsageRow } from '../../store/usage-query.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

/** Flags of `agentmesh usage`, as commander hands them over. */
export interface UsageFlags {
  /** @default 'agent' */
  by?: string;
  /** `7d`, `24h`, `30m`, a date (`2026-11-01`, UTC midnight) or an ISO time; default: the beginning. */
  since?: string;
  /** Same forms as `since`, exclusive; default: now and later. */
  until?: string;
  json?: boolean;
  db?: string;
  config?: string;
}

const UNIT_MS = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

/** `agentmesh usage`: LLM calls, tokens, cost, errors, cache hits and latency, grouped, with a total. */
export async function usageCommand(
  flags: UsageFlags,
  io: CliIo,
  now: () => number = Date.now,
): Promise<number> {
  const by = parseGroupBy(flags.by ?? 'agent');
  const since = flags.since === undefined ? '' : parseTime('--since', flags.since, now());
  const until = flags.until === undefined ? END_OF_TIME : parseTime('--until', flags.until, now());
  const calls = await readCalls(flags, io, since, until);
  const rows = aggregateUsage(calls, by);
  const total = summarizeUsage(calls);
  if (flags.json) {
    const period = { since: since || null, until: until === END_OF_TIME ? null : until };
    writeLine(io.stdout, JSON.stringify({ by, ...period, rows, total }));
    return EXIT.ok;
  }
  if (calls.length === 0) {
    writeLine(io.stderr, 'No LLM calls in this period; run agentmesh run "<task>" or widen --since.');
    return EXIT.ok;
  }
  for (const line of usageTable(by, rows, total)) writeLine(io.stdout, line);
  return EXIT.ok;
}

/** Upper bound for "no until": every ISO time sorts below it. */
export const END_OF_TIME = '\uffff';

/** The `--by` value, or a `usage` error listing the choices. */
export function parseGroupBy(value: string): UsageGroupBy {
  const by = USAGE_GROUPS.find((group) => group === value);
  if (by === undefined) usageError(`--by must be one of ${USAGE_GROUPS.join(', ')}; got "${value}"`);
  return by;
}

/**
 * A `--since` / `--until` value as an ISO time: a duration back from `now` (`30m`, `24h`, `7d`, `2w`),
 * a UTC day (`2026-11-01`, its midnight) or an ISO date-time. Anything else is a `usage` error.
 */
export function parseTime(flag: string, value: string, now: number): string {
  const text = value.trim();
  const duration = /^(\d+)([mhdw])$/.exec(text);
  if (duration)
    return new Date(now - Number(duration[1]) * UNIT_MS[duration[2] as keyof typeof UNIT_MS]).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return `${parseDay(flag, text)}T00:00:00.000Z`;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(time)) {
    usageError(`${flag} must be a duration like 7d, 24h or 30m, or a date like 2026-11-01; got "${value}"`);
  }
  return new Date(time).toISOString();
}

/** A real calendar day `YYYY-MM-DD`, or a `usage` error naming the flag. */
export function parseDay(flag: string, value: string): string {
  const day = value.trim();
  const parsed = /^\d{4}-\d{2}-\d{2}$/.test(day) ? new Date(`${day}T00:00:00.000Z`) : undefined;
  // Date rolls 2026-02-30 over to March; a real day survives the round trip.
  if (parsed === undefined || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== day) {
    usageError(`${flag} must be a calendar day like 2026-11-01; got "${value}"`);
  }
  return day;
}

/** The LLM calls with `since <= at < until` in the configured run store; none when it does not exist yet (it is not created). */
export async function readCalls(
  flags: { db?: string; config?: string },
  io: CliIo,
  since: string,
  until: string,
): Promise<LlmCallRecord[]> {
  const config = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  if (!existsSync(config.store.path)) return [];
  const store = openRunStore(config);
  try {
    return await store.llmCallsBetween(since, until);
  } finally {
    await store.close();
  }
}

/** The aligned text table: one line per group, then the total. */
export function usageTable(by: UsageGroupBy, rows: readonly UsageRow[], total: UsageRow): string[] {
  const header = [
    by.toUpperCase(),
    'CALLS',
    'ERRORS',
    'CACHE HITS',
    'PROMPT TOK',
    'CACHED TOK',
    'COMPL TOK',
    'COST USD',
    'UNPRICED',
    'SAVED USD',
    'P50 MS',
    'P95 MS',
  ];
  const cells = (row: UsageRow) => [
    row.key,
    String(row.calls),
    String(row.errors),
    String(row.cacheHits),
    String(row.promptTokens),
    String(row.cachedTokens),
    String(row.completionTokens),
    formatUsd(row.costUsd),
    String(row.unpricedCalls),
    formatUsd(row.savedUsd),
    formatMs(row.p50LatencyMs),
    formatMs(row.p95LatencyMs),
  ];
  const table = [header, ...rows.map(cells), cells({ ...total, key: 'TOTAL' })];
  const widths = header.map((_, column) => Math.max(...table.map((line) => line[column]?.length ?? 0)));
  return table.map((line) =>
    line
      .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** USD with six decimals, as `runs list` prints it. */
export function formatUsd(usd: number): string {
  return usd.toFixed(6);
}

/** Whole milliseconds, or `-` when there is no latency to show. */
export function formatMs(ms: number | null): string {
  return ms === null ? '-' : String(Math.round(ms));
}

function usageError(message: string): never {
  throw new AgentMeshError({ code: 'usage', message });
}
