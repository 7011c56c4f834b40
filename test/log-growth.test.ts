import { statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openGateway } from '../src/runtime/build-gateway.js';
import { runTask } from '../src/runtime/run-task.js';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { tempDir } from './support/cli.js';
import { simConfig } from './support/sim-config.js';

/**
 * "The log grows with new content only": 500 agent turns of a round-robin chat over a static 200 KB
 * task must not store the task (or the transcript) again per step. New content is the task once, the
 * 500 messages (UTF-8 bytes), and a fixed allowance per step for the events a durable step needs
 * (step.started, llm.completed with usage and request id, the message's envelope, step.completed:
 * about 850 bytes of JSON today, allowed 1 KiB). The run-store file may grow by less than twice that,
 * room for SQLite's columns, projections and indexes, but not for one more copy of the context per
 * step (500 × 200 KB = 100 MB), nor of the growing transcript. See docs/durability.md for the figures.
 */

const STEPS = 500;
const AGENTS = ['planner', 'researcher', 'coder', 'critic', 'summarizer'];
const CONTEXT_BYTES = 200 * 1024;
/** The justified per-step event overhead (see above). */
const EVENT_ALLOWANCE_PER_STEP = 1024;

/** A deterministic 200 KB design brief: numbered lines, so no two lines are alike. */
function staticContext(): string {
  const lines: string[] = ['Implement the billing service described in this specification.'];
  let size = lines[0]!.length;
  for (let n = 1; size < CONTEXT_BYTES; n++) {
    const line = `R${String(n).padStart(5, '0')}: invoices in currency ${n % 17} round half-even to ${n % 5} places; audit field ${n * 7919}.`;
    lines.push(line);
    size += line.length + 1;
  }
  return lines.join('\n').slice(0, CONTEXT_BYTES);
}

/** The run-store file's size once its WAL has been folded in and truncated. */
function checkpointedSize(path: string): number {
  const db = new Database(path);
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
  } finally {
    db.close();
  }
  const wal = statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0;
  return statSync(path).size + wal;
}

let dir: Awaited<ReturnType<typeof tempDir>>;
let sim: RunningSimulator;
beforeAll(async () => {
  dir = await tempDir();
  sim = await startSimulator({ latencyMs: 0, seed: 9 });
});
afterAll(async () => {
  await sim?.close();
  await dir?.remove();
});

describe('run log growth', () => {
  it(`${STEPS} steps over a static 200 KB context grow the database by less than twice the new content`, async () => {
    const yaml = [
      'teams:',
      '  longchat:',
      '    pattern: roundrobin',
      `    agents: [${AGENTS.join(', ')}]`,
      `    maxRounds: ${STEPS / AGENTS.length}`,
      '',
    ].join('\n');
    const config = await simConfig({ dir: dir.path, simUrl: sim.url, yaml });
    const path = join(dir.path, 'runs.db');
    const store = SqliteRunStore.open({ path });
    await store.close();
    const before = checkpointedSize(path);

    const task = staticContext();
    const reopened = SqliteRunStore.open({ path });
    const { gateway, close } = await openGateway(config);
    let state: Awaited<ReturnType<typeof runTask>>['state'];
    try {
      ({ state } = await runTask({
        config,
        task,
        team: 'longchat',
        store: reopened,
        gateway,
        signal: new AbortController().signal,
      }));
    } finally {
      await close();
      await reopened.close();
    }
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'max_rounds' });
    expect(state.transcript).toHaveLength(STEPS);
    // Every step really sent the whole context.
    expect(sim.requests()).toHaveLength(STEPS);
    expect(sim.requests().every((r) => r.promptTokens >= CONTEXT_BYTES / 4)).toBe(true);

    const growth = checkpointedSize(path) - before;
    const messageBytes = state.transcript.reduce((sum, m) => sum + Buffer.byteLength(m.content), 0);
    const allowance = STEPS * EVENT_ALLOWANCE_PER_STEP;
    const newContent = Buffer.byteLength(task) + messageBytes + allowance;
    const report = `grew ${growth} bytes for ${newContent} bytes of new content (task ${Buffer.byteLength(task)}, messages ${messageBytes}, events ${allowance}): ${(growth / newContent).toFixed(2)}x`;
    expect(growth, report).toBeLessThan(2 * newContent);
  }, 120_000);
});
