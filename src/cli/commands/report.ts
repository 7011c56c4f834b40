import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { LlmCallRecord } from '../../store/run-store.js';
import { aggregateUsage, errorsByCode, summarizeUsage } from '../../store/usage-aggregate.js';
import type { UsageRow } from '../../store/usage-query.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { formatMs, parseDay, readCalls } from './usage.js';

/** Flags of `agentmesh report daily`. */
export interface DailyReportFlags {
  /** UTC day `YYYY-MM-DD`. @default today (UTC) */
  date?: string;
  /** A file to write; `true` (bare `--out`) means `.agentmesh/reports/daily-<date>.md`. @default stdout */
  out?: string | boolean;
  db?: string;
  config?: string;
}

const DAY_MS = 86_400_000;

/** `agentmesh report daily`: one UTC day of LLM calls as Markdown, on stdout or in a file. */
export async function dailyReportCommand(
  flags: DailyReportFlags,
  io: CliIo,
  now: () => number = Date.now,
): Promise<number> {
  const day =
    flags.date === undefined ? new Date(now()).toISOString().slice(0, 10) : parseDay('--date', flags.date);
  const since = `${day}T00:00:00.000Z`;
  const until = new Date(Date.parse(since) + DAY_MS).toISOString();
  const markdown = dailyReportMarkdown(day, await readCalls(flags, io, since, until));
  if (flags.out === undefined || flags.out === false) {
    io.stdout.write(markdown);
    return EXIT.ok;
  }
  const path = resolve(io.cwd, flags.out === true ? `.agentmesh/reports/daily-${day}.md` : flags.out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, markdown);
  writeLine(io.stderr, `Wrote the daily report for ${day} to ${path}`);
  return EXIT.ok;
}

/** The daily report: totals, cost (and how many calls had no price), by model, by agent, errors, cache, latency. */
export function dailyReportMarkdown(day: string, calls: readonly LlmCallRecord[]): string {
  const total = summarizeUsage(calls);
  const lines = [`# AgentMesh daily report: ${day} (UTC)`, ''];
  if (calls.length === 0) {
    lines.push('No LLM calls on this day.', '');
    return lines.join('\n');
  }
  const answered = total.calls - total.errors;
  const runs = new Set(calls.map((call) => call.runId)).size;
  lines.push(
    '## Summary',
    '',
    '| | |',
    '|---|---|',
    `| LLM calls | ${total.calls} in ${runs} ${plural(runs, 'run')} (${answered} answered, ${total.errors} failed) |`,
    `| Tokens | ${total.promptTokens} prompt (${total.cachedTokens} from the provider's prompt cache), ${total.completionTokens} completion |`,
    `| Cost | ${costText(total)} |`,
    `| Errors | ${total.errors} (${percent(total.errors, total.calls)} of calls) |`,
    `| Response cache | ${total.cacheHits} ${plural(total.cacheHits, 'hit')}, ${percent(total.cacheHits, answered)} of answers; saved $${total.savedUsd.toFixed(6)} |`,
    `| Latency | p50 ${formatMs(total.p50LatencyMs)} ms, p95 ${formatMs(total.p95LatencyMs)} ms |`,
    '',
    '## By model',
    '',
    ...usageTable('Model', aggregateUsage(calls, 'model')),
    '',
    '## By agent',
    '',
    ...usageTable('Agent', aggregateUsage(calls, 'agent')),
    '',
    '## Errors by type',
    '',
    ...errorTable(calls, total.calls),
    '',
    'Cost counts priced calls only; a model without a price is reported as unknown, never as free.',
    'Cache hit rate is response-cache hits over answered calls; latency covers answered calls that reached a provider.',
    '',
  );
  return lines.join('\n');
}

function usageTable(title: string, rows: readonly UsageRow[]): string[] {
  return [
    `| ${title} | Calls | Errors | Cache hits | Prompt tokens | Completion tokens | Cost (USD) | Saved (USD) | p50 ms | p95 ms |`,
    '|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    ...rows.map(
      (row) =>
        `| ${cell(row.key)} | ${row.calls} | ${row.errors} | ${row.cacheHits} | ${row.promptTokens} | ${row.completionTokens} | ` +
        `${costText(row, '')} | ${row.savedUsd.toFixed(6)} | ${formatMs(row.p50LatencyMs)} | ${formatMs(row.p95LatencyMs)} |`,
    ),
  ];
}

function errorTable(calls: readonly LlmCallRecord[], callCount: number): string[] {
  const errors = errorsByCode(calls);
  if (errors.length === 0) return ['No errors.'];
  return [
    '| Error | Count | Rate |',
    '|---|--:|--:|',
    ...errors.map((error) => `| ${cell(error.key)} | ${error.count} | ${percent(error.count, callCount)} |`),
  ];
}

/** `$0.750000`, plus `(unknown for N calls)` when some calls had no price. */
function costText(row: UsageRow, currency = '$'): string {
  const known = `${currency}${row.costUsd.toFixed(6)}`;
  if (row.unpricedCalls === 0) return known;
  return `${known} (unknown for ${row.unpricedCalls} ${plural(row.unpricedCalls, 'call')})`;
}

/** A table cell: a `|` in an agent id or model would end it early. */
function cell(text: string): string {
  return text.replaceAll('|', '\\|');
}

function percent(part: number, whole: number): string {
  return whole === 0 ? '0.0%' : `${((100 * part) / whole).toFixed(1)}%`;
}

function plural(count: number, noun: string): string {
  return count === 1 ? noun : `${noun}s`;
}
