import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertRecord } from '../src/store/alert-store.js';
import { SqliteAlertStore } from '../src/store/sqlite/sqlite-alert-store.js';
import { cleanEnv, runCli, tempDir } from './support/cli.js';

// `agentmesh alerts …` as real subprocesses of the built CLI, on a SQLite file seeded in the test.

let dir: { path: string; remove(): Promise<void> };
let db: string;
let cpu: AlertRecord;
let disk: AlertRecord;

beforeEach(async () => {
  dir = await tempDir();
  db = join(dir.path, 'agentmesh.db');
  const store = SqliteAlertStore.open({ path: db });
  cpu = (
    await store.raise({
      key: 'cpu',
      severity: 'critical',
      message: 'CPU use 97.0%',
      at: '2026-11-21T10:00:00.000Z',
    })
  ).alert;
  cpu = (
    await store.raise({
      key: 'cpu',
      severity: 'critical',
      message: 'CPU use 98.0%',
      at: '2026-11-21T10:00:30.000Z',
    })
  ).alert;
  disk = (
    await store.raise({
      key: 'disk',
      severity: 'warning',
      message: 'Disk 4% free',
      at: '2026-11-21T11:00:00.000Z',
    })
  ).alert;
  await store.close();
});
afterEach(async () => {
  await dir.remove();
});

const alertsCli = (args: string[], env = cleanEnv()) =>
  runCli(['alerts', ...args, '--db', db], { cwd: dir.path, env });

async function stored(): Promise<AlertRecord[]> {
  const store = SqliteAlertStore.open({ path: db });
  try {
    return await store.list();
  } finally {
    await store.close();
  }
}

describe('agentmesh alerts', () => {
  it('lists alerts newest first, one per line', async () => {
    const { code, stdout } = await alertsCli(['list']);
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toEqual([
      `${disk.alertId}  warning   open          disk                  ×1      2026-11-21T11:00:00.000Z  Disk 4% free`,
      `${cpu.alertId}  critical  open          cpu                   ×2      2026-11-21T10:00:30.000Z  CPU use 98.0%`,
    ]);
  });

  it('lists as JSON, and by status', async () => {
    const all = await alertsCli(['list', '--json']);
    expect(JSON.parse(all.stdout)).toEqual({ alerts: [disk, cpu] });
    const none = await alertsCli(['list', '--status', 'resolved']);
    expect(none).toMatchObject({ code: 0, stdout: '' });
    expect(none.stderr).toContain('No resolved alerts');
    const bad = await alertsCli(['list', '--status', 'closed']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("option '--status <status>' argument 'closed' is invalid");
  });

  it('acknowledges by --by, or as the user running it', async () => {
    const named = await alertsCli(['ack', cpu.alertId, '--by', 'alice']);
    expect(named.code).toBe(0);
    expect(named.stdout).toMatch(new RegExp(`^${cpu.alertId} \\(cpu\\): acknowledged by alice at \\d{4}-`));
    const implicit = await alertsCli(['ack', disk.alertId], cleanEnv({ USER: 'carol' }));
    expect(implicit.code).toBe(0);
    expect((await stored()).map((a) => [a.key, a.status, a.acknowledgedBy])).toEqual([
      ['disk', 'acknowledged', 'carol'],
      ['cpu', 'acknowledged', 'alice'],
    ]);
    const listed = await alertsCli(['list', '--status', 'acknowledged']);
    expect(listed.stdout).toContain('[acknowledged by alice]');
  });

  it('resolves once; again, or an unknown id, is one line and exit 2', async () => {
    const resolved = await alertsCli(['resolve', cpu.alertId, '--by', 'bob', '--json']);
    expect(resolved.code).toBe(0);
    expect(JSON.parse(resolved.stdout).alert).toMatchObject({
      alertId: cpu.alertId,
      status: 'resolved',
      resolvedBy: 'bob',
    });

    const again = await alertsCli(['resolve', cpu.alertId]);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(
        new RegExp(
          `^agentmesh: Cannot resolve alert ${cpu.alertId} \\(cpu\\): it was resolved at .* \\(by bob\\)`,
        ),
      ),
    ]);

    for (const action of ['ack', 'resolve']) {
      const unknown = await alertsCli([action, 'alert_nope']);
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toBe(
        `agentmesh: No alert alert_nope in the alert store at ${db}; agentmesh alerts list shows the alerts.\n`,
      );
    }
    expect((await stored()).map((a) => a.status)).toEqual(['open', 'resolved']);
  });
});
