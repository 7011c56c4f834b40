import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Budget } from '../config/resolved-config.js';
import { BudgetExceededError, type BudgetScopeName } from '../errors/index.js';
import type { BudgetLedger, CallBudgets, ReserveRequest } from '../llm/budget/budget-ledger.js';

/** What a contract run needs from an adapter: a fresh, empty ledger and how to dispose of it. */
export type MakeBudgetLedger = () => Promise<{ ledger: BudgetLedger; cleanup?: () => Promise<void> }>;

const NOON = new Date('2025-03-01T12:00:00.000Z');
const NONE: Budget = { usd: null, tokens: null };
const NO_BUDGETS: CallBudgets = { run: NONE, day: NONE, agent: NONE };

/** A reservation request at noon UTC for `coder` in `run_a`, 0.1 USD and 100 tokens, expiring in a minute. */
export function reserveRequest(overrides: Partial<ReserveRequest> = {}): ReserveRequest {
  const at = overrides.at ?? NOON;
  return {
    runId: 'run_a',
    agentId: 'coder',
    at,
    usd: 0.1,
    tokens: 100,
    budgets: NO_BUDGETS,
    expiresAt: new Date(at.getTime() + 60_000),
    ...overrides,
  };
}

/** Budgets with only `scope` limited. */
function only(scope: BudgetScopeName, budget: Partial<Budget>): CallBudgets {
  return { ...NO_BUDGETS, [scope]: { ...NONE, ...budget } };
}

async function refusal(promise: Promise<unknown>): Promise<BudgetExceededError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof BudgetExceededError) return error;
    throw error;
  }
  throw new Error('expected the reservation to be refused');
}

/** The behaviour every BudgetLedger adapter must share; call it from each adapter's test file. */
export function describeBudgetLedgerContract(name: string, makeLedger: MakeBudgetLedger): void {
  describe(`BudgetLedger contract: ${name}`, () => {
    let ledger: BudgetLedger;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ ledger, cleanup } = await makeLedger());
    });
    afterEach(async () => {
      await ledger.close();
      await cleanup?.();
    });

    /** What the ledger counts as committed in `budgets`' one limited scope, read from a refusal. */
    async function committed(budgets: CallBudgets, overrides: Partial<ReserveRequest> = {}): Promise<number> {
      const error = await refusal(
        ledger.reserve(reserveRequest({ usd: 1e9, tokens: 1e12, budgets, ...overrides })),
      );
      return error.context.committed as number;
    }

    it('reserves calls that fit, each under its own id', async () => {
      const budgets = only('run', { usd: 1, tokens: 1000 });
      const ids = new Set<string>();
      for (let i = 0; i < 5; i++) ids.add((await ledger.reserve(reserveRequest({ budgets }))).id);
      expect(ids.size).toBe(5);
    });

    it('reserves without limit when no budget is set', async () => {
      await ledger.reserve(reserveRequest({ usd: 1e6, tokens: 1e9 }));
      await ledger.reserve(reserveRequest({ usd: 1e6, tokens: 1e9 }));
    });

    describe.each(['run', 'day', 'agent'] as const)('the %s budget', (scope) => {
      it.each([
        ['usd', { usd: 0.25 }, { usd: 0.1, tokens: 1 }, 0.2, 0.1],
        ['tokens', { tokens: 250 }, { usd: 0, tokens: 100 }, 200, 100],
      ] as const)(
        'refuses in %s the call that would cross it, naming the scope',
        async (unit, limit, call, committedBefore, requested) => {
          const budgets = only(scope, limit);
          await ledger.reserve(reserveRequest({ ...call, budgets }));
          await ledger.reserve(reserveRequest({ ...call, budgets }));
          const error = await refusal(ledger.reserve(reserveRequest({ ...call, budgets })));
          expect(error).toBeInstanceOf(BudgetExceededError);
          expect(error).toMatchObject({ code: 'budget_exceeded', scope, unit });
          expect(error.context).toMatchObject({ scope, unit, runId: 'run_a', agentId: 'coder', requested });
          expect(error.context.limit).toBe(unit === 'usd' ? 0.25 : 250);
          expect(error.context.committed).toBeCloseTo(committedBefore, 12);
        },
      );

      it('lets a call fill it exactly', async () => {
        const budgets = only(scope, { usd: 0.3, tokens: 300 });
        for (let i = 0; i < 3; i++) await ledger.reserve(reserveRequest({ budgets }));
        await expect(
          ledger.reserve(reserveRequest({ budgets, usd: 0.000001, tokens: 0 })),
        ).rejects.toMatchObject({
          scope,
          unit: 'usd',
        });
        await expect(ledger.reserve(reserveRequest({ budgets, usd: 0, tokens: 1 }))).rejects.toMatchObject({
          scope,
          unit: 'tokens',
        });
      });
    });

    it('checks run before day before agent, and USD before tokens', async () => {
      await ledger.reserve(reserveRequest());
      const tight: Budget = { usd: 0.1, tokens: 100 };
      const all = { run: tight, day: tight, agent: tight };
      expect(await refusal(ledger.reserve(reserveRequest({ budgets: all })))).toMatchObject({
        scope: 'run',
        unit: 'usd',
      });
      const noRunUsd = { ...all, run: { usd: null, tokens: 100 } };
      expect(await refusal(ledger.reserve(reserveRequest({ budgets: noRunUsd })))).toMatchObject({
        scope: 'run',
        unit: 'tokens',
      });
      expect(await refusal(ledger.reserve(reserveRequest({ budgets: { ...all, run: NONE } })))).toMatchObject(
        {
          scope: 'day',
        },
      );
    });

    it('counts a run budget over that run only, across its agents', async () => {
      await ledger.reserve(reserveRequest({ runId: 'run_a', agentId: 'planner', usd: 0.3 }));
      await ledger.reserve(reserveRequest({ runId: 'run_a', agentId: 'coder', usd: 0.2 }));
      await ledger.reserve(reserveRequest({ runId: 'run_b', usd: 0.4 }));
      expect(await committed(only('run', { usd: 1 }))).toBeCloseTo(0.5, 12);
      expect(await committed(only('run', { usd: 1 }), { runId: 'run_b' })).toBeCloseTo(0.4, 12);
    });

    it('counts a day budget over every run and agent of that UTC day only', async () => {
      await ledger.reserve(reserveRequest({ runId: 'run_a', agentId: 'planner', usd: 0.3 }));
      await ledger.reserve(reserveRequest({ runId: 'run_b', agentId: 'coder', usd: 0.2 }));
      await ledger.reserve(reserveRequest({ at: new Date('2025-02-28T23:59:59.999Z'), usd: 0.4 }));
      expect(await committed(only('day', { usd: 1 }))).toBeCloseTo(0.5, 12);
      const nextDay = new Date('2025-03-02T00:00:00.000Z');
      expect(await committed(only('day', { usd: 1 }), { at: nextDay })).toBe(0);
    });

    it('counts an agent budget over that agent in every run of the UTC day', async () => {
      await ledger.reserve(reserveRequest({ runId: 'run_a', agentId: 'coder', tokens: 100 }));
      await ledger.reserve(reserveRequest({ runId: 'run_b', agentId: 'coder', tokens: 50 }));
      await ledger.reserve(reserveRequest({ runId: 'run_a', agentId: 'critic', tokens: 1000 }));
      await ledger.reserve(reserveRequest({ at: new Date('2025-03-02T00:00:00.000Z'), tokens: 1000 }));
      expect(await committed(only('agent', { tokens: 5000 }))).toBe(150);
      expect(await committed(only('agent', { tokens: 5000 }), { agentId: 'critic' })).toBe(1000);
    });

    it('counts a settled call at its actual cost instead of its worst case', async () => {
      const budgets = only('run', { usd: 1, tokens: 10_000 });
      const held = await ledger.reserve(reserveRequest({ budgets, usd: 0.9, tokens: 9000 }));
      await expect(ledger.reserve(reserveRequest({ budgets, usd: 0.2 }))).rejects.toBeInstanceOf(
        BudgetExceededError,
      );
      await ledger.settle(held, { usd: 0.15, tokens: 1200 });
      expect(await committed(only('run', { usd: 1 }))).toBeCloseTo(0.15, 12);
      expect(await committed(only('run', { tokens: 10_000 }))).toBe(1200);
      await ledger.reserve(reserveRequest({ budgets, usd: 0.8 }));
    });

    it('counts a settled unknown USD cost as 0 but its tokens in full', async () => {
      const held = await ledger.reserve(reserveRequest({ usd: 0.5, tokens: 500 }));
      await ledger.settle(held, { usd: null, tokens: 300 });
      expect(await committed(only('run', { usd: 1 }))).toBe(0);
      expect(await committed(only('run', { tokens: 1000 }))).toBe(300);
    });

    it('skips USD budgets for an unpriced call but still counts its tokens', async () => {
      const budgets = { run: { usd: 0.01, tokens: 250 }, day: { usd: 0, tokens: null }, agent: NONE };
      await ledger.reserve(reserveRequest({ budgets, usd: null, tokens: 200 }));
      expect(await committed(only('run', { usd: 1 }))).toBe(0);
      const error = await refusal(ledger.reserve(reserveRequest({ budgets, usd: null, tokens: 100 })));
      expect(error).toMatchObject({ scope: 'run', unit: 'tokens' });
    });

    it('reserves nothing for a refused call', async () => {
      const budgets = only('run', { usd: 0.5 });
      await ledger.reserve(reserveRequest({ budgets, usd: 0.4 }));
      await refusal(ledger.reserve(reserveRequest({ budgets, usd: 0.2 })));
      await refusal(ledger.reserve(reserveRequest({ budgets, usd: 0.2 })));
      expect(await committed(only('run', { usd: 1 }))).toBeCloseTo(0.4, 12);
      await ledger.reserve(reserveRequest({ budgets, usd: 0.1 }));
    });

    it('stops counting a reservation nobody settled once it has expired', async () => {
      const budgets = only('run', { usd: 1 });
      await ledger.reserve(reserveRequest({ budgets, usd: 0.8, expiresAt: new Date(NOON.getTime() + 1000) }));
      const justBefore = new Date(NOON.getTime() + 999);
      const atExpiry = new Date(NOON.getTime() + 1000);
      await expect(
        ledger.reserve(reserveRequest({ budgets, usd: 0.8, at: justBefore })),
      ).rejects.toBeInstanceOf(BudgetExceededError);
      await ledger.reserve(reserveRequest({ budgets, usd: 0.8, at: atExpiry }));
    });

    it('keeps counting a settled call after its reservation would have expired', async () => {
      const held = await ledger.reserve(
        reserveRequest({ usd: 0.8, expiresAt: new Date(NOON.getTime() + 1000) }),
      );
      await ledger.settle(held, { usd: 0.7, tokens: 10 });
      const later = new Date(NOON.getTime() + 3_600_000);
      expect(await committed(only('run', { usd: 1 }), { at: later })).toBeCloseTo(0.7, 12);
    });

    it('lets 50 concurrent reserve-then-settle calls spend at most $1 of a $1 run budget', async () => {
      const budgets = only('run', { usd: 1 });
      const worst = 0.05;
      const settled: number[] = [];
      let refused = 0;
      await Promise.all(
        Array.from({ length: 50 }, async (_, i) => {
          // Stagger the starts so reservations, settlements and refusals interleave.
          for (let tick = 0; tick < i % 7; tick++) await Promise.resolve();
          let reservation: Awaited<ReturnType<BudgetLedger['reserve']>>;
          try {
            reservation = await ledger.reserve(reserveRequest({ budgets, usd: worst, tokens: 100 }));
          } catch (error) {
            if (!(error instanceof BudgetExceededError)) throw error;
            refused++;
            return;
          }
          for (let tick = 0; tick < i % 5; tick++) await new Promise((resolve) => setImmediate(resolve));
          const actual = worst * (0.5 + (i % 6) / 10);
          await ledger.settle(reservation, { usd: actual, tokens: 80 });
          settled.push(actual);
        }),
      );
      const total = settled.reduce((sum, usd) => sum + usd, 0);
      expect(total).toBeLessThanOrEqual(1 + 1e-9);
      expect(settled.length).toBeGreaterThanOrEqual(20); // at least the 20 worst cases fit
      expect(settled.length + refused).toBe(50);
      expect(refused).toBeGreaterThan(0);
      expect(await committed(only('run', { usd: 1 }))).toBeCloseTo(total, 9);
    });

    it('refuses to settle a reservation it never made', async () => {
      await expect(ledger.settle({ id: '999999' }, { usd: 0, tokens: 0 })).rejects.toMatchObject({
        code: 'internal',
      });
    });
  });
}
