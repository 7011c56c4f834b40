import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldRun, type RunEvent } from '../core/index.js';
import { runListCursor } from './run-list-cursor.js';
import type { RunStore } from './run-store.js';
import { describeRunStoreDurabilityContract } from './run-store-durability.contract.js';
import { describeRunStoreMetricsContract } from './run-store-metrics.contract.js';
import { runStartedEvent, sampleRunLog } from './sample-run-log.js';
import { emptyUsageRow } from './usage-aggregate.js';
import type { UsageRow } from './usage-query.js';
import { USAGE_SAMPLE_RUNS, usageSampleLog } from './usage-sample-log.js';

/** A usage row with zeros and no latency, overridden by what a test expects. */
function row(key: string, fields: Partial<UsageRow>): UsageRow {
  return { ...emptyUsageRow(key), ...fields };
}

/** What a contract run needs from an adapter: a fresh, empty store and how to dispose of it. */
export type MakeRunStore = () => Promise<{ store: RunStore; cleanup?: () => Promise<void> }>;

/** The behaviour every RunStore adapter must share; call it from each adapter's test file. */
export function describeRunStoreContract(name: string, makeStore: MakeRunStore): void {
  describe(`RunStore contract: ${name}`, () => {
    let store: RunStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    async function appendAll(events: RunEvent[]): Promise<void> {
      for (const event of events) await store.append(event);
    }

    it('gives each run its own consecutive seqs, even when runs interleave', async () => {
      const a = sampleRunLog({ runId: 'run_a' });
      const b = sampleRunLog({ runId: 'run_b' });
      const seqs: Record<string, number[]> = { run_a: [], run_b: [] };
      for (let i = 0; i < Math.max(a.length, b.length); i++) {
        for (const event of [a[i], b[i]]) {
          if (event) seqs[event.runId]?.push((await store.append(event)).seq);
        }
      }
      expect(seqs.run_a).toEqual(a.map((_, i) => i + 1));
      expect(seqs.run_b).toEqual(b.map((_, i) => i + 1));
    });

    it('returns each event exactly as appended, with its seq, in order', async () => {
      const log = sampleRunLog({ runId: 'run_rt' });
      const returned = [];
      for (const event of log) returned.push(await store.append(event));
      const expected = log.map((event, i) => ({ ...event, seq: i + 1 }));
      expect(returned).toStrictEqual(expected);
      expect(await store.events('run_rt')).toStrictEqual(expected);
    });

    it('assigns its own seq to a replayed event that already carries one', async () => {
      await store.append(runStartedEvent('run_seq'));
      const stored = await store.append({ ...runStartedEvent('run_other'), seq: 42 } as RunEvent);
      expect(stored.seq).toBe(1);
      expect((await store.events('run_other'))[0]?.seq).toBe(1);
    });

    it('appends a batch in order with consecutive seqs', async () => {
      const log = sampleRunLog({ runId: 'run_batch' });
      await store.append(log[0]!);
      const stored = await store.appendAll(log.slice(1));
      expect(stored.map((e) => e.seq)).toEqual(log.slice(1).map((_, i) => i + 2));
      expect(await store.events('run_batch')).toStrictEqual(
        log.map((event, i) => ({ ...event, seq: i + 1 })),
      );
      expect(await store.getRun('run_batch')).toMatchObject({ status: foldRun(log).status });
    });

    it('stores none of a batch when one of its events is invalid', async () => {
      const log = sampleRunLog({ runId: 'run_atomic' });
      await store.append(log[0]!);
      const stray = { ...log[1]!, runId: 'run_unknown' } as RunEvent;
      await expect(store.appendAll([log[1]!, log[2]!, stray])).rejects.toMatchObject({
        code: 'run_not_found',
      });
      expect(await store.events('run_atomic')).toHaveLength(1);
      expect((await store.getRun('run_atomic'))?.calls).toBe(0);
    });

    it('answers an unknown run with an empty log, no summary and no calls', async () => {
      expect(await store.events('run_nope')).toEqual([]);
      expect(await store.getRun('run_nope')).toBeUndefined();
      expect(await store.llmCalls('run_nope')).toEqual([]);
    });

    it('rejects an event for an unknown run with run_not_found naming the run', async () => {
      const event = sampleRunLog({ runId: 'run_ghost' })[1]!;
      await expect(store.append(event)).rejects.toMatchObject({
        code: 'run_not_found',
        message: expect.stringContaining('run_ghost'),
      });
      expect(await store.events('run_ghost')).toEqual([]);
      expect(await store.getRun('run_ghost')).toBeUndefined();
    });

    it('rejects a second run.started for the same run and keeps the first', async () => {
      await store.append(runStartedEvent('run_dup'));
      const again = { ...runStartedEvent('run_dup', '2026-02-01T00:00:00.000Z'), task: 'other' };
      await expect(store.append(again)).rejects.toMatchObject({
        code: 'store',
        message: expect.stringContaining('run_dup'),
      });
      expect(await store.events('run_dup')).toHaveLength(1);
      expect((await store.getRun('run_dup'))?.task).toBe('task of run_dup');
    });

    it.each(['succeeded', 'failed', 'running'] as const)(
      'keeps the run summary equal to foldRun over the log (%s run)',
      async (outcome) => {
        const log = sampleRunLog({ runId: 'run_fold', outcome });
        await appendAll(log);
        const state = foldRun(await store.events('run_fold'));
        expect(await store.getRun('run_fold')).toStrictEqual({
          runId: state.runId,
          task: state.task,
          team: state.team,
          status: state.status,
          stopReason: state.stopReason,
          createdAt: state.startedAt,
          updatedAt: log.at(-1)?.at,
          usage: state.usage,
          calls: state.calls,
          lease: null,
        });
        // Floats must be summed in log order, as the fold does: 0.1 + 0.2 is not 0.3.
        expect(state.usage.costUsd).toBe(0.1 + 0.2);
      },
    );

    it('records one llm_calls row per attempt, failed ones with their error', async () => {
      await appendAll(sampleRunLog({ runId: 'run_calls' }));
      const calls = await store.llmCalls('run_calls');
      expect(calls.map((c) => [c.agentId, c.attempt, c.outcome])).toEqual([
        ['planner', 1, 'error'],
        ['planner', 2, 'ok'],
        ['coder', 1, 'ok'],
      ]);
      expect(calls[0]).toStrictEqual({
        runId: 'run_calls',
        stepId: '000-planner',
        agentId: 'planner',
        provider: 'openrouter',
        model: 'deepseek/deepseek-chat',
        attempt: 1,
        outcome: 'error',
        promptTokens: 0,
        completionTokens: 0,
        cachedTokens: 0,
        reasoningTokens: 0,
        costUsd: 0,
        costKnown: true,
        cached: false,
        savedUsd: 0,
        latencyMs: 812,
        status: 500,
        errorCode: 'llm_http',
        errorMessage: 'openrouter:deepseek/deepseek-chat answered HTTP 500 Internal Server Error.',
        requestId: 'req-failed-1',
        at: '2026-01-01T00:00:02.000Z',
      });
      expect(calls[1]).toMatchObject({
        promptTokens: 120,
        cachedTokens: 64,
        costUsd: 0.1,
        requestId: 'req-ok-2',
      });
      expect(calls[1]).toMatchObject({
        latencyMs: 1234.5,
        status: null,
        errorCode: null,
        errorMessage: null,
      });
      expect(calls[2]).toMatchObject({ reasoningTokens: 200, completionTokens: 500, requestId: null });
    });

    it('records cache hits with the money they saved, and unknown costs as unknown', async () => {
      await appendAll(usageSampleLog());
      const first = await store.llmCalls(USAGE_SAMPLE_RUNS.first);
      expect(first.map((c) => [c.agentId, c.cached, c.savedUsd, c.costKnown])).toEqual([
        ['planner', false, 0, true],
        ['coder', false, 0, true],
        ['coder', false, 0, true],
        ['critic', true, 0.25, true],
      ]);
      const second = await store.llmCalls(USAGE_SAMPLE_RUNS.second);
      expect(second.map((c) => [c.outcome, c.costKnown, c.costUsd])).toEqual([
        ['ok', false, 0],
        ['error', true, 0],
        ['ok', true, 0.125],
      ]);
    });

    it('counts unpriced calls in the run summary exactly as foldRun does', async () => {
      const log = usageSampleLog();
      await appendAll(log);
      for (const runId of Object.values(USAGE_SAMPLE_RUNS)) {
        const state = foldRun(await store.events(runId));
        expect((await store.getRun(runId))?.usage, runId).toStrictEqual(state.usage);
      }
      expect((await store.getRun(USAGE_SAMPLE_RUNS.second))?.usage.unpricedCalls).toBe(1);
      expect((await store.listRuns()).map((run) => run.usage.unpricedCalls)).toEqual([1, undefined]);
    });

    it('lists the LLM calls of a period across runs in time order, since inclusive, until exclusive', async () => {
      await appendAll(usageSampleLog());
      const between = async (since: string, until: string) =>
        (await store.llmCallsBetween(since, until)).map(
          (c) => `${c.runId}/${c.agentId}@${c.at.slice(11, 19)}`,
        );
      expect(await between('2026-03-01T09:00:02.000Z', '2026-03-02T10:00:02.000Z')).toEqual([
        'run_usage_a/coder@09:00:02',
        'run_usage_a/coder@09:00:03',
        'run_usage_a/critic@09:00:05',
        'run_usage_b/planner@10:00:01',
      ]);
      expect(await between('2026-04-01T00:00:00.000Z', '2026-05-01T00:00:00.000Z')).toEqual([]);
      expect(await store.llmCallsBetween('', '9999')).toHaveLength(7);
    });

    it('sums usage by agent: cost first, latency over successful provider calls only', async () => {
      await appendAll(usageSampleLog());
      expect(await store.usage({ by: 'agent' })).toStrictEqual([
        row('coder', {
          calls: 3,
          errors: 1,
          promptTokens: 500,
          completionTokens: 200,
          costUsd: 0.625,
          p50LatencyMs: 2000,
          p95LatencyMs: 3000,
        }),
        row('planner', {
          calls: 3,
          errors: 1,
          promptTokens: 110,
          completionTokens: 60,
          cachedTokens: 20,
          costUsd: 0.25,
          unpricedCalls: 1,
          p50LatencyMs: 1000,
          p95LatencyMs: 4000,
        }),
        row('critic', { calls: 1, cacheHits: 1, promptTokens: 100, completionTokens: 50, savedUsd: 0.25 }),
      ]);
    });

    it('sums usage by model ref and by provider', async () => {
      await appendAll(usageSampleLog());
      const brief = (rows: UsageRow[]) =>
        rows.map((r) => [r.key, r.calls, r.errors, r.costUsd, r.unpricedCalls]);
      expect(brief(await store.usage({ by: 'model' }))).toEqual([
        ['openai:gpt-4o-mini', 1, 0, 0.5, 0],
        ['openrouter:deepseek/deepseek-chat-v3-0324', 4, 1, 0.375, 0],
        ['custom:llama3', 2, 1, 0, 1],
      ]);
      expect(brief(await store.usage({ by: 'provider' }))).toEqual([
        ['openai', 1, 0, 0.5, 0],
        ['openrouter', 4, 1, 0.375, 0],
        ['custom', 2, 1, 0, 1],
      ]);
    });

    it('sums usage by UTC day and by run, in time order', async () => {
      await appendAll(usageSampleLog());
      const day1 = {
        calls: 4,
        errors: 1,
        cacheHits: 1,
        promptTokens: 400,
        completionTokens: 200,
        cachedTokens: 20,
        costUsd: 0.75,
        savedUsd: 0.25,
        p50LatencyMs: 1000,
        p95LatencyMs: 2000,
      };
      const day2 = {
        calls: 3,
        errors: 1,
        promptTokens: 310,
        completionTokens: 110,
        costUsd: 0.125,
        unpricedCalls: 1,
        p50LatencyMs: 3000,
        p95LatencyMs: 4000,
      };
      expect(await store.usage({ by: 'day' })).toStrictEqual([
        row('2026-03-01', day1),
        row('2026-03-02', day2),
      ]);
      expect(await store.usage({ by: 'run' })).toStrictEqual([
        row(USAGE_SAMPLE_RUNS.first, day1),
        row(USAGE_SAMPLE_RUNS.second, day2),
      ]);
    });

    it('limits usage to the period asked for', async () => {
      await appendAll(usageSampleLog());
      const keys = async (since?: string, until?: string) =>
        (await store.usage({ by: 'agent', ...(since && { since }), ...(until && { until }) })).map(
          (r) => `${r.key}:${r.calls}`,
        );
      expect(await keys('2026-03-02T00:00:00.000Z')).toEqual(['coder:1', 'planner:2']);
      expect(await keys(undefined, '2026-03-01T09:00:03.000Z')).toEqual(['planner:1', 'coder:1']);
      expect(await keys('2027-01-01T00:00:00.000Z')).toEqual([]);
    });

    it('reports the latest breaker state of each provider and model across runs', async () => {
      expect(await store.breakerStates()).toEqual([]);
      await appendAll(usageSampleLog());
      expect(await store.breakerStates()).toStrictEqual([
        {
          type: 'breaker.changed',
          runId: USAGE_SAMPLE_RUNS.first,
          at: '2026-03-01T09:00:04.000Z',
          provider: 'openai',
          model: 'gpt-4o-mini',
          state: 'half_open',
        },
        {
          type: 'breaker.changed',
          runId: USAGE_SAMPLE_RUNS.second,
          at: '2026-03-02T10:00:04.000Z',
          provider: 'openrouter',
          model: 'deepseek/deepseek-chat-v3-0324',
          state: 'closed',
        },
      ]);
    });

    it('lists runs newest first, filtered by status and limited', async () => {
      await appendAll(sampleRunLog({ runId: 'run_1', startedAt: '2026-01-01T00:00:00.000Z' }));
      await appendAll(
        sampleRunLog({ runId: 'run_3', startedAt: '2026-01-03T00:00:00.000Z', outcome: 'failed' }),
      );
      await appendAll(
        sampleRunLog({ runId: 'run_2', startedAt: '2026-01-02T00:00:00.000Z', outcome: 'running' }),
      );
      await appendAll(sampleRunLog({ runId: 'run_4', startedAt: '2026-01-04T00:00:00.000Z' }));
      const ids = async (options?: Parameters<RunStore['listRuns']>[0]) =>
        (await store.listRuns(options)).map((run) => run.runId);
      expect(await ids()).toEqual(['run_4', 'run_3', 'run_2', 'run_1']);
      expect(await ids({ status: 'succeeded' })).toEqual(['run_4', 'run_1']);
      expect(await ids({ status: 'running' })).toEqual(['run_2']);
      expect(await ids({ status: 'cancelled' })).toEqual([]);
      expect(await ids({ limit: 2 })).toEqual(['run_4', 'run_3']);
      expect(await ids({ limit: 1, status: 'succeeded' })).toEqual(['run_4']);
      expect(await ids({ limit: 0 })).toEqual([]);
    });

    it('lists at most 50 runs by default, the later of two equal start times first', async () => {
      for (let i = 0; i < 52; i++) await store.append(runStartedEvent(`run_${String(i).padStart(2, '0')}`));
      const runs = await store.listRuns();
      expect(runs).toHaveLength(50);
      expect(runs[0]?.runId).toBe('run_51');
      expect(runs.at(-1)?.runId).toBe('run_02');
    });

    it('pages runs newest first with a cursor, stable when runs start between pages', async () => {
      const started = (i: number) => `2026-02-${String(i).padStart(2, '0')}T00:00:00.000Z`;
      for (const i of [1, 2, 3, 4, 5]) {
        await appendAll(
          sampleRunLog({ runId: `run_${i}`, startedAt: started(i), outcome: i === 3 ? 'failed' : undefined }),
        );
      }
      const page = async (options: Parameters<RunStore['listRuns']>[0]) =>
        (await store.listRuns(options)).map((run) => run.runId);
      const first = await store.listRuns({ limit: 2 });
      expect(first.map((run) => run.runId)).toEqual(['run_5', 'run_4']);
      // A run started between pages comes first in a new listing, not on the next page.
      await appendAll(sampleRunLog({ runId: 'run_6', startedAt: started(6) }));
      const second = await page({ limit: 2, cursor: runListCursor(first.at(-1)!) });
      expect(second).toEqual(['run_3', 'run_2']);
      expect(
        await page({ limit: 2, cursor: runListCursor({ createdAt: started(2), runId: 'run_2' }) }),
      ).toEqual(['run_1']);
      expect(
        await page({ limit: 2, cursor: runListCursor({ createdAt: started(1), runId: 'run_1' }) }),
      ).toEqual([]);
      expect(await page({ status: 'succeeded', cursor: runListCursor(first[0]!) })).toEqual([
        'run_4',
        'run_2',
        'run_1',
      ]);
    });

    it('pages through runs started at the same instant without repeating or skipping one', async () => {
      for (let i = 0; i < 7; i++) await store.append(runStartedEvent(`run_${i}`));
      const seen: string[] = [];
      let cursor: string | undefined;
      for (;;) {
        const runs = await store.listRuns({ limit: 3, ...(cursor && { cursor }) });
        if (runs.length === 0) break;
        seen.push(...runs.map((run) => run.runId));
        cursor = runListCursor(runs.at(-1)!);
      }
      expect(seen).toEqual(['run_6', 'run_5', 'run_4', 'run_3', 'run_2', 'run_1', 'run_0']);
    });

    it('refuses a cursor it did not give with a usage error naming the field', async () => {
      await expect(store.listRuns({ cursor: 'not-a-cursor' })).rejects.toMatchObject({
        code: 'usage',
        context: { field: 'cursor' },
      });
    });

    it('fails with a store error once closed', async () => {
      await store.close();
      await expect(store.events('run_x')).rejects.toMatchObject({ code: 'store' });
      await expect(store.append(runStartedEvent('run_x'))).rejects.toMatchObject({ code: 'store' });
      await expect(store.lease('run_x')).rejects.toMatchObject({ code: 'store' });
      await expect(store.approvals()).rejects.toMatchObject({ code: 'store' });
    });

    describeRunStoreDurabilityContract(() => store);
    describeRunStoreMetricsContract(() => store);
  });
}
