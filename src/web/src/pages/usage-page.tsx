import { useState } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ComposedChart,
  Legend,
  Line,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { UsageResponse, UsageRow } from '../api/api-types';
import { ErrorNote, Loading, PageHeader, Stat } from '../components/notes';
import { formatCost, formatTokens } from '../format';
import { useApi } from '../hooks/use-api';

const COST_COLOR = '#3b82f6';
const TOKENS_COLOR = '#14b8a6';
const RANGES = [7, 30] as const;
const TOOLTIP_STYLE = { background: 'var(--surface)', borderColor: 'var(--border)', borderRadius: 7 };

/** Cost and tokens by day, by agent and by model over the last 7 or 30 days, with totals. */
export function UsagePage() {
  const [days, setDays] = useState<(typeof RANGES)[number]>(7);
  const since = sinceDay(days);
  const byDay = useApi<UsageResponse>(`/api/usage?by=day&since=${since}`);
  const byAgent = useApi<UsageResponse>(`/api/usage?by=agent&since=${since}`);
  const byModel = useApi<UsageResponse>(`/api/usage?by=model&since=${since}`);
  const error = byDay.error ?? byAgent.error ?? byModel.error;
  const totals = sum(byDay.data?.rows ?? []);

  return (
    <section>
      <PageHeader
        title="Usage"
        sub="LLM calls, tokens and cost recorded in the store (UTC days)."
        actions={
          <fieldset className="segmented" aria-label="Range">
            {RANGES.map((range) => (
              <button
                key={range}
                type="button"
                className={range === days ? 'segment active' : 'segment'}
                aria-pressed={range === days}
                onClick={() => setDays(range)}
              >
                {range} days
              </button>
            ))}
          </fieldset>
        }
      />
      <ErrorNote error={error} />
      <div className="stats card">
        <Stat
          label="Cost"
          value={formatCost(totals.costUsd)}
          title={totals.unpricedCalls ? `${totals.unpricedCalls} calls have no known price` : undefined}
        />
        <Stat label="Tokens" value={formatTokens(totals.promptTokens + totals.completionTokens)} />
        <Stat
          label="Prompt / completion"
          value={`${formatTokens(totals.promptTokens)} / ${formatTokens(totals.completionTokens)}`}
        />
        <Stat label="LLM calls" value={formatTokens(totals.calls)} />
        <Stat label="Errors" value={formatTokens(totals.errors)} />
        <Stat
          label="Cache hits"
          value={`${formatTokens(totals.cacheHits)} (saved ${formatCost(totals.savedUsd)})`}
        />
      </div>
      <div className="card">
        <h2>By day</h2>
        {byDay.data ? <DailyChart rows={fillDays(byDay.data.rows, days)} /> : <Loading />}
      </div>
      <div className="usage-grid">
        <div className="card">
          <h2>By agent</h2>
          {byAgent.data ? <GroupChart rows={byAgent.data.rows} /> : <Loading />}
        </div>
        <div className="card">
          <h2>By model</h2>
          {byModel.data ? <GroupChart rows={byModel.data.rows} /> : <Loading />}
        </div>
      </div>
    </section>
  );
}

function DailyChart({ rows }: { rows: UsageRow[] }) {
  const data = rows.map((row) => ({
    day: row.key.slice(5),
    cost: row.costUsd,
    tokens: row.promptTokens + row.completionTokens,
  }));
  return (
    <div className="chart" data-testid="chart-day">
      <ResponsiveContainer width="100%" height={260}>
        <ComposedChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="day" tickLine={false} />
          <YAxis yAxisId="cost" tickFormatter={costTick} width={70} tickLine={false} axisLine={false} />
          <YAxis
            yAxisId="tokens"
            orientation="right"
            tickFormatter={(value: number) => formatTokens(value)}
            width={70}
            tickLine={false}
            axisLine={false}
          />
          <Tooltip
            formatter={(value, name) =>
              name === 'Cost' ? formatCost(Number(value)) : formatTokens(Number(value))
            }
          />
          <Legend />
          <Bar
            yAxisId="cost"
            dataKey="cost"
            name="Cost"
            fill={COST_COLOR}
            radius={[4, 4, 0, 0]}
            maxBarSize={36}
          />
          <Line
            yAxisId="tokens"
            dataKey="tokens"
            name="Tokens"
            stroke={TOKENS_COLOR}
            strokeWidth={2}
            dot={{ r: 3 }}
          />
        </ComposedChart>
      </ResponsiveContainer>
    </div>
  );
}

function GroupChart({ rows }: { rows: UsageRow[] }) {
  if (rows.length === 0) return <p className="muted">No calls in this range.</p>;
  const sorted = [...rows].sort((a, b) => b.costUsd - a.costUsd || b.promptTokens - a.promptTokens);
  const data = sorted.map((row) => ({
    key: row.key,
    cost: row.costUsd,
    tokens: row.promptTokens + row.completionTokens,
  }));
  return (
    <>
      <div className="chart">
        <ResponsiveContainer width="100%" height={Math.max(120, data.length * 36 + 40)}>
          <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" tickFormatter={costTick} tickLine={false} />
            <YAxis type="category" dataKey="key" width={130} tickLine={false} axisLine={false} />
            <Tooltip contentStyle={TOOLTIP_STYLE} formatter={(value) => formatCost(Number(value))} />
            <Bar
              dataKey="cost"
              name="Cost"
              fill={COST_COLOR}
              radius={[0, 4, 4, 0]}
              maxBarSize={22}
              isAnimationActive={false}
            />
          </BarChart>
        </ResponsiveContainer>
      </div>
      <table className="table table-compact">
        <thead>
          <tr>
            <th>Name</th>
            <th className="num">Calls</th>
            <th className="num">Tokens</th>
            <th className="num">Cost</th>
            <th className="num">p50</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={row.key}>
              <td className="mono">{row.key}</td>
              <td className="num">{formatTokens(row.calls)}</td>
              <td className="num">{formatTokens(row.promptTokens + row.completionTokens)}</td>
              <td className="num">{formatCost(row.costUsd)}</td>
              <td className="num">
                {row.p50LatencyMs === null ? '–' : `${Math.round(row.p50LatencyMs)} ms`}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

/** An axis label: costs below a cent keep two significant digits (so ticks stay distinct). */
function costTick(value: number): string {
  if (value === 0) return '$0';
  return value < 0.01 ? `$${Number(value.toPrecision(2))}` : formatCost(value);
}

/** `YYYY-MM-DD` (UTC) of the first day of the range, today included. */
function sinceDay(days: number): string {
  const start = new Date();
  start.setUTCHours(0, 0, 0, 0);
  start.setUTCDate(start.getUTCDate() - (days - 1));
  return start.toISOString();
}

/** One row per day of the range, zero where nothing was called (the API leaves empty days out). */
function fillDays(rows: UsageRow[], days: number): UsageRow[] {
  const byKey = new Map(rows.map((row) => [row.key, row]));
  const first = new Date(sinceDay(days));
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(first.getTime() + index * 86_400_000).toISOString().slice(0, 10);
    return byKey.get(day) ?? { ...sum([]), key: day };
  });
}

function sum(rows: UsageRow[]): UsageRow {
  const total: UsageRow = {
    key: 'total',
    calls: 0,
    errors: 0,
    cacheHits: 0,
    promptTokens: 0,
    completionTokens: 0,
    cachedTokens: 0,
    costUsd: 0,
    unpricedCalls: 0,
    savedUsd: 0,
    p50LatencyMs: null,
    p95LatencyMs: null,
  };
  for (const row of rows) {
    total.calls += row.calls;
    total.errors += row.errors;
    total.cacheHits += row.cacheHits;
    total.promptTokens += row.promptTokens;
    total.completionTokens += row.completionTokens;
    total.cachedTokens += row.cachedTokens;
    total.costUsd += row.costUsd;
    total.unpricedCalls += row.unpricedCalls;
    total.savedUsd += row.savedUsd;
  }
  return total;
}
