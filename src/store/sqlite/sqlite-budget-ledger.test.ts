import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BudgetExceededError } from '../../errors/index.js';
import { describeBudgetLedgerContract, reserveRequest } from '../budget-ledger.contract.js';
import { LATEST_SCHEMA_VERSION } from './migrations.js';
import { SqliteBudgetLedger } from './sqlite-budget-ledger.js';
import { SqliteRunStore } from './sqlite-run-store.js';

describeBudgetLedgerContract('SqliteBudgetLedger (file)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'agentmesh-ledger-'));
  return {
    ledger: SqliteBudgetLedger.open({ path: join(dir, 'agentmesh.db') }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

describeBudgetLedgerContract('SqliteBudgetLedger (:memory:)', async () => ({
  ledger: SqliteBudgetLedger.open({ path: ':memory:' }),
}));

const oneDollar = {
  run: { usd: 1, tokens: null },
  day: { usd: null, tokens: null },
  agent: { usd: null, tokens: null },
};

/**
 * A separate Node process that opens its own ledger on `path` and tries `count` reservations of
 * `usd` each against a $1 run budget; prints how many passed and how many were refused.
 */
function reserveInChildProcess(
  path: string,
  count: number,
  usd: number,
): Promise<{ ok: number; refused: number }> {
  const ledgerModule = fileURLToPath(new URL('./sqlite-budget-ledger.ts', import.meta.url));
  const script = `
    const { SqliteBudgetLedger } = await import(${JSON.stringify(ledgerModule)});
    const ledger = SqliteBudgetLedger.open({ path: ${JSON.stringify(path)} });
    const budgets = ${JSON.stringify(oneDollar)};
    let ok = 0, refused = 0;
    for (let i = 0; i < ${count}; i++) {
      const at = new Date();
      const request = { runId: 'run_shared', agentId: 'coder', at, usd: ${usd}, tokens: 10, budgets,
        expiresAt: new Date(at.getTime() + 60000) };
      try { await ledger.reserve(request); ok++; }
      catch (error) { if (error.code === 'budget_exceeded') refused++; else throw error; }
    }
    await ledger.close();
    process.stdout.write(JSON.stringify({ ok, refused }));
  `;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.on('data', (chunk) => {
      err += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}: ${err}`)),
    );
  });
}

describe('SqliteBudgetLedger', () => {
  let dir: string;
  let path: string;
  const open: { close(): Promise<void> }[] = [];
  const openLedger = (options: Partial<Parameters<typeof SqliteBudgetLedger.open>[0]> = {}) => {
    const ledger = SqliteBudgetLedger.open({ path, ...options });
    open.push(ledger);
    return ledger;
  };
  const rows = () => {
    const raw = new Database(path, { readonly: true });
    try {
      return raw.prepare('SELECT * FROM budget_ledger ORDER BY id').all() as Record<string, unknown>[];
    } finally {
      raw.close();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-ledger-'));
    path = join(dir, 'agentmesh.db');
  });
  afterEach(async () => {
    for (const item of open.splice(0)) await item.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('does not let two connections on one file both pass a budget only one fits', async () => {
    const [a, b] = [openLedger(), openLedger()];
    await a.reserve(reserveRequest({ budgets: oneDollar, usd: 0.6 }));
    await expect(b.reserve(reserveRequest({ budgets: oneDollar, usd: 0.6 }))).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
    await b.reserve(reserveRequest({ budgets: oneDollar, usd: 0.4 }));
    await expect(a.reserve(reserveRequest({ budgets: oneDollar, usd: 0.01 }))).rejects.toMatchObject({
      scope: 'run',
    });
  });

  it('serialises reservations of two processes racing on one file: exactly the budget is reserved', async () => {
    openLedger(); // creates and migrates the file before the race
    const results = await Promise.all([
      reserveInChildProcess(path, 30, 0.05),
      reserveInChildProcess(path, 30, 0.05),
    ]);
    expect(results.reduce((sum, r) => sum + r.ok, 0)).toBe(20);
    expect(results.reduce((sum, r) => sum + r.refused, 0)).toBe(40);
    const reserved = rows().reduce((sum, row) => sum + (row.reserved_usd as number), 0);
    expect(reserved).toBeCloseTo(1, 9);
  });

  it('reads committed spend under the write lock, so even a refusal waits for a writer in another process', async () => {
    const ledger = openLedger({ busyTimeoutMs: 20 });
    await ledger.reserve(reserveRequest({ budgets: oneDollar, usd: 1 }));
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      // A deferred transaction would read a stale snapshot here and answer "budget exceeded" at once.
      await expect(ledger.reserve(reserveRequest({ budgets: oneDollar, usd: 0.5 }))).rejects.toMatchObject({
        code: 'store',
        message: expect.stringContaining('database is locked'),
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await expect(ledger.reserve(reserveRequest({ budgets: oneDollar, usd: 0.5 }))).rejects.toBeInstanceOf(
      BudgetExceededError,
    );
  });

  it('stores a reservation and its settlement as one row, unknown USD as NULL', async () => {
    const ledger = openLedger({ now: () => new Date('2025-03-01T12:00:05.000Z') });
    const priced = await ledger.reserve(reserveRequest({ usd: 0.25, tokens: 300 }));
    const unpriced = await ledger.reserve(reserveRequest({ usd: null, tokens: 200, agentId: 'critic' }));
    await ledger.settle(priced, { usd: 0.125, tokens: 150 });
    await ledger.settle(unpriced, { usd: null, tokens: 120 });
    expect(rows()).toEqual([
      expect.objectContaining({
        id: Number(priced.id),
        run_id: 'run_a',
        agent_id: 'coder',
        day: '2025-03-01',
        reserved_usd: 0.25,
        reserved_tokens: 300,
        actual_usd: 0.125,
        actual_tokens: 150,
        state: 'settled',
        created_at: '2025-03-01T12:00:00.000Z',
        expires_at: '2025-03-01T12:01:00.000Z',
        settled_at: '2025-03-01T12:00:05.000Z',
      }),
      expect.objectContaining({
        agent_id: 'critic',
        reserved_usd: null,
        actual_usd: null,
        actual_tokens: 120,
      }),
    ]);
  });

  it('shares the run store file: migrates it and leaves it usable by the run store', async () => {
    openLedger();
    const store = SqliteRunStore.open({ path });
    open.push(store);
    expect(await store.listRuns()).toEqual([]);
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
  });

  it('gives a one-line store error when the file is not a database', () => {
    writeFileSync(path, 'x'.repeat(4096));
    expect(() => openLedger()).toThrow(
      /^Cannot open run store at .*agentmesh\.db: SQLITE_NOTADB .*--db FILE\.$/,
    );
  });

  it('says another process holds the file when a reservation cannot get the write lock', async () => {
    const ledger = openLedger({ busyTimeoutMs: 20 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(ledger.reserve(reserveRequest({ budgets: oneDollar }))).rejects.toMatchObject({
        code: 'store',
        isRetryable: true,
        message: expect.stringContaining('database is locked'),
      });
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    await ledger.reserve(reserveRequest({ budgets: oneDollar }));
  });

  it('says the ledger is closed when used after close', async () => {
    const ledger = openLedger();
    await ledger.close();
    await ledger.close();
    await expect(ledger.reserve(reserveRequest())).rejects.toMatchObject({
      code: 'store',
      message: expect.stringContaining('is closed'),
    });
  });
});
