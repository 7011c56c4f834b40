import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import type { UsageRow } from '../src/store/usage-query.js';
import { usageSampleLog } from '../src/store/usage-sample-log.js';
import { runCli, tempDir } from './support/cli.js';

// Two runs on 2026-03-01 and 2026-03-02: planner, coder and critic on three providers, a 429, a timeout,
// a response-cache hit that saved $0.25 and one call of an unpriced model (see usage-sample-log.ts).
describe('agentmesh usage and report daily on a seeded SQLite store', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let db: string;
  const cli = (...args: string[]) => runCli([...args, '--db', db], { cwd: dir.path });

  beforeAll(async () => {
    dir = await tempDir();
    db = join(dir.path, 'usage.db');
    const store = SqliteRunStore.open({ path: db });
    await store.appendAll(usageSampleLog().filter((event) => event.type === 'run.started'));
    for (const event of usageSampleLog().filter((event) => event.type !== 'run.started'))
      await store.append(event);
    await store.close();
  });
  afterAll(() => dir.remove());

  it('prints usage by model as JSON with the exact sums', async () => {
    const result = await cli('usage', '--by', 'model', '--json');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout) as {
      by: string;
      since: null;
      rows: UsageRow[];
      total: UsageRow;
    };
    expect(
      output.rows.map((r) => [r.key, r.calls, r.errors, r.cacheHits, r.costUsd, r.unpricedCalls]),
    ).toEqual([
      ['openai:gpt-4o-mini', 1, 0, 0, 0.5, 0],
      ['openrouter:deepseek/deepseek-chat-v3-0324', 4, 1, 1, 0.375, 0],
      ['custom:llama3', 2, 1, 0, 0, 1],
    ]);
    expect(output.total).toMatchObject({
      key: 'total',
      calls: 7,
      errors: 2,
      cacheHits: 1,
      promptTokens: 710,
      completionTokens: 310,
      cachedTokens: 20,
      costUsd: 0.875,
      unpricedCalls: 1,
      savedUsd: 0.25,
      p50LatencyMs: 2000,
      p95LatencyMs: 4000,
    });
    expect([output.by, output.since]).toEqual(['model', null]);
  });

  it('prints an aligned table by agent with a total line', async () => {
    const result = await cli('usage');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines.map((line) => line.split(/\s{2,}/)[0])).toEqual([
      'AGENT',
      'coder',
      'planner',
      'critic',
      'TOTAL',
    ]);
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[0]?.split(/\s{2,}/)).toEqual([
      'AGENT',
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
    ]);
    expect(lines[4]?.split(/\s+/)).toEqual([
      'TOTAL',
      '7',
      '2',
      '1',
      '710',
      '20',
      '310',
      '0.875000',
      '1',
      '0.250000',
      '2000',
      '4000',
    ]);
    expect(lines[3]?.split(/\s+/)).toEqual([
      'critic',
      '1',
      '0',
      '1',
      '100',
      '0',
      '50',
      '0.000000',
      '0',
      '0.250000',
      '-',
      '-',
    ]);
  });

  it('limits usage to --since', async () => {
    const result = await cli('usage', '--by', 'day', '--since', '2026-03-02', '--json');
    const output = JSON.parse(result.stdout) as { since: string; rows: UsageRow[] };
    expect(output.since).toBe('2026-03-02T00:00:00.000Z');
    expect(output.rows.map((r) => [r.key, r.calls, r.costUsd])).toEqual([['2026-03-02', 3, 0.125]]);
    // Months before "now", so nothing is within the last 7 days.
    const recent = await cli('usage', '--since', '7d');
    expect([recent.code, recent.stdout]).toEqual([0, '']);
    expect(recent.stderr).toMatch(/No LLM calls in this period/);
  });

  it('writes the daily report as Markdown with cost, errors, cache and latency', async () => {
    const result = await cli('report', 'daily', '--date', '2026-03-01');
    expect(result.code).toBe(0);
    const markdown = result.stdout;
    expect(markdown).toMatch(/^# AgentMesh daily report: 2026-03-01 \(UTC\)/);
    expect(markdown).toContain('| LLM calls | 4 in 1 run (3 answered, 1 failed) |');
    expect(markdown).toContain(
      "| Tokens | 400 prompt (20 from the provider's prompt cache), 200 completion |",
    );
    expect(markdown).toContain('| Cost | $0.750000 |');
    expect(markdown).toContain('| Errors | 1 (25.0% of calls) |');
    expect(markdown).toContain('| Response cache | 1 hit, 33.3% of answers; saved $0.250000 |');
    expect(markdown).toContain('| Latency | p50 1000 ms, p95 2000 ms |');
    expect(markdown).toContain(
      '| openai:gpt-4o-mini | 1 | 0 | 0 | 200 | 100 | 0.500000 | 0.000000 | 2000 | 2000 |',
    );
    expect(markdown).toContain('| critic | 1 | 0 | 1 | 100 | 50 | 0.000000 | 0.250000 | - | - |');
    expect(markdown).toContain('| llm_http (HTTP 429) | 1 | 25.0% |');
    expect(markdown).not.toContain('llama3');
  });

  it('says how many calls had an unknown cost, and writes the report to a file with bare --out', async () => {
    const result = await cli('report', 'daily', '--date', '2026-03-02', '--out');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    const path = join(dir.path, '.agentmesh', 'reports', 'daily-2026-03-02.md');
    expect(result.stderr).toContain(path);
    const markdown = await readFile(path, 'utf8');
    expect(markdown).toContain('| Cost | $0.125000 (unknown for 1 call) |');
    expect(markdown).toContain('| custom:llama3 | 2 | 1 | 0 | 10 | 10 | 0.000000 (unknown for 1 call) |');
    expect(markdown).toContain('| llm_timeout | 1 | 33.3% |');
    expect(markdown).toContain('| Response cache | 0 hits, 0.0% of answers; saved $0.000000 |');
  });

  it.each([
    [
      ['usage', '--since', 'yesterday'],
      /^agentmesh: --since must be a duration like 7d, 24h or 30m, or a date like 2026-11-01; got "yesterday"$/,
    ],
    [
      ['usage', '--by', 'colour'],
      /^agentmesh: --by must be one of agent, model, provider, day, run; got "colour"$/,
    ],
    [
      ['report', 'daily', '--date', '2026-02-30'],
      /^agentmesh: --date must be a calendar day like 2026-11-01; got "2026-02-30"$/,
    ],
  ])('rejects %j with one line and exit 2', async (args, message) => {
    const result = await runCli([...args, '--db', join(dir.path, 'never.db')], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr.trimEnd()).toMatch(message);
    expect(existsSync(join(dir.path, 'never.db'))).toBe(false);
  });

  it('reports no calls for a store that does not exist, without creating it', async () => {
    const missing = join(dir.path, 'missing.db');
    const result = await runCli(['usage', '--json', '--db', missing], { cwd: dir.path });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ rows: [], total: { calls: 0, costUsd: 0 } });
    const report = await runCli(['report', 'daily', '--date', '2026-03-01', '--db', missing], {
      cwd: dir.path,
    });
    expect(report.stdout).toContain('No LLM calls on this day.');
    expect(existsSync(missing)).toBe(false);
  });
});
