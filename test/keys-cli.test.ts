import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKeySecret } from '../src/runtime/api-keys.js';
import type { ApiKeyRecord } from '../src/store/access-store.js';
import { SqliteAccessStore } from '../src/store/sqlite/sqlite-access-store.js';
import { runCli, tempDir } from './support/cli.js';

// `agentmesh keys …` as real subprocesses of the built CLI, on a SQLite file in a temp dir.

let dir: { path: string; remove(): Promise<void> };
let db: string;
const keys = (...args: string[]) => runCli(['keys', ...args, '--db', db], { cwd: dir.path });

beforeEach(async () => {
  dir = await tempDir();
  db = join(dir.path, 'agentmesh.db');
});
afterEach(async () => {
  await dir.remove();
});

/** Every byte of the database and its WAL, as Latin-1 text so any ASCII secret would show. */
function databaseBytes(): string {
  return readdirSync(dir.path)
    .filter((name) => name.startsWith('agentmesh.db'))
    .map((name) => readFileSync(join(dir.path, name)).toString('latin1'))
    .join('');
}

describe('agentmesh keys', () => {
  it('create prints the secret alone on stdout and says on stderr it is shown once; only its hash is stored', async () => {
    const created = await keys('create', '--name', 'ci', '--role', 'viewer');
    expect(created.code).toBe(0);
    const secret = created.stdout.trim();
    expect(created.stdout).toBe(`${secret}\n`);
    expect(secret).toMatch(/^am_[A-Za-z0-9_-]{32}$/);
    expect(created.stderr).toMatch(/shown this once/);
    expect(created.stderr).not.toContain(secret);
    expect(created.stderr.trim().split('\n')).toHaveLength(1);

    const access = SqliteAccessStore.open({ path: db });
    expect(await access.findLiveKeyByHash(hashApiKeySecret(secret))).toMatchObject({
      name: 'ci',
      role: 'viewer',
    });
    await access.close();
    const bytes = databaseBytes();
    expect(bytes).toContain(hashApiKeySecret(secret));
    expect(bytes).not.toContain(secret);
    expect(bytes).not.toContain(secret.slice(10));
  });

  it('create --json prints the key record and the secret', async () => {
    const created = await keys('create', '--name', 'deploy', '--role', 'operator', '--json');
    expect(created.code).toBe(0);
    const { key, secret } = JSON.parse(created.stdout) as { key: ApiKeyRecord; secret: string };
    expect(key).toMatchObject({
      name: 'deploy',
      role: 'operator',
      prefix: secret.slice(0, 10),
      revokedAt: null,
    });
  });

  it('list shows name, role and prefix but never the secret; revoke by name marks it revoked', async () => {
    const empty = await keys('list');
    expect(empty).toMatchObject({ code: 0, stdout: '' });
    expect(empty.stderr).toMatch(/No API keys/);

    const secret = (await keys('create', '--name', 'ci', '--role', 'viewer')).stdout.trim();
    const admin = (await keys('create', '--name', 'root', '--role', 'admin')).stdout.trim();
    const listed = await keys('list');
    expect(listed.code).toBe(0);
    const lines = listed.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+ROLE\s+PREFIX\s+CREATED\s+LAST USED\s+REVOKED$/);
    expect(lines.slice(1).map((line) => line.split(/\s+/).slice(1, 4))).toEqual([
      ['root', 'admin', `${admin.slice(0, 10)}…`],
      ['ci', 'viewer', `${secret.slice(0, 10)}…`],
    ]);
    expect(listed.stdout).not.toContain(secret);
    expect(listed.stdout).not.toContain(admin);

    const revoked = await keys('revoke', 'ci');
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(
      /^Revoked API key key_[0-9a-f]+ "ci" \(role viewer\) at \S+; requests with it now get 401\.\n$/,
    );
    const json = JSON.parse((await keys('list', '--json')).stdout) as { keys: ApiKeyRecord[] };
    expect(json.keys.map((k) => [k.name, k.revokedAt === null])).toEqual([
      ['root', true],
      ['ci', false],
    ]);
    expect(JSON.stringify(json)).not.toContain(secret.slice(10));
  });

  it('revoke by id, then again: the second time exits 2 with one line', async () => {
    const { key } = JSON.parse(
      (await keys('create', '--name', 'ci', '--role', 'admin', '--json')).stdout,
    ) as {
      key: ApiKeyRecord;
    };
    const first = await keys('revoke', key.keyId, '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ key: { keyId: key.keyId } });
    const again = await keys('revoke', key.keyId);
    expect(again.code).toBe(2);
    expect(again.stdout).toBe('');
    expect(again.stderr.trim().split('\n')).toHaveLength(1);
    expect(again.stderr).toMatch(/No live API key .*keys list/);
  });

  it.each([
    [['--name', 'ci', '--role', 'root'], /admin, operator, viewer/],
    [['--name', 'has space', '--role', 'viewer'], /letters, digits/],
    [['--name', 'x'.repeat(65), '--role', 'viewer'], /at most 64/],
    [['--name', '', '--role', 'viewer'], /needs a name/],
  ])('create %j exits 2 with one line and stores nothing', async (args, message) => {
    const result = await keys('create', ...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(message);
    expect(JSON.parse((await keys('list', '--json')).stdout)).toEqual({ keys: [] });
  });

  it('a second live key of the same name exits 2', async () => {
    expect((await keys('create', '--name', 'ci', '--role', 'viewer')).code).toBe(0);
    const again = await keys('create', '--name', 'ci', '--role', 'admin');
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already named "ci"/);
  });
});
