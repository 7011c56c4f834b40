import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAccessStore } from '../store/sqlite/sqlite-access-store.js';
import { createApiKey, hashApiKeySecret } from './api-keys.js';

describe('createApiKey', () => {
  let access: SqliteAccessStore;
  beforeEach(() => {
    access = SqliteAccessStore.open({ path: ':memory:' });
  });
  afterEach(async () => {
    await access.close();
  });

  it('returns an am_ secret of 32 base64url characters, stores only its SHA-256 and a 10-character prefix', async () => {
    const now = () => new Date('2026-11-21T10:00:00.000Z');
    const { key, secret } = await createApiKey(access, { name: 'ci', role: 'viewer', now });
    expect(secret).toMatch(/^am_[A-Za-z0-9_-]{32}$/);
    expect(key).toMatchObject({ name: 'ci', role: 'viewer', createdAt: '2026-11-21T10:00:00.000Z' });
    expect(key.prefix).toBe(secret.slice(0, 10));
    expect(key.keyId).toMatch(/^key_[0-9a-f]{12}$/);
    expect(await access.findLiveKeyByHash(hashApiKeySecret(secret))).toEqual(key);
    expect(JSON.stringify(key)).not.toContain(secret.slice(10));
  });

  it('makes a different secret and id every time', async () => {
    const a = await createApiKey(access, { name: 'a', role: 'admin' });
    const b = await createApiKey(access, { name: 'b', role: 'admin' });
    expect(a.secret).not.toBe(b.secret);
    expect(a.key.keyId).not.toBe(b.key.keyId);
  });

  it.each([
    ['', 'name'],
    ['x'.repeat(65), 'name'],
    ['has space', 'name'],
    ['slash/no', 'name'],
  ])('refuses the name %j with a one-line usage error on field %s', async (name, field) => {
    const error = await createApiKey(access, { name, role: 'viewer' }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'usage', context: { field } });
    expect((error as Error).message).not.toContain('\n');
    expect(await access.hasLiveKeys()).toBe(false);
  });

  it('accepts a 64-character name of letters, digits, dot, underscore and dash', async () => {
    const name = `Ab0._-${'x'.repeat(58)}`;
    expect((await createApiKey(access, { name, role: 'operator' })).key.name).toBe(name);
  });

  it('refuses an unknown role, naming the three roles', async () => {
    await expect(
      createApiKey(access, { name: 'ci', role: 'root' as unknown as 'admin' }),
    ).rejects.toMatchObject({
      code: 'usage',
      context: { field: 'role' },
      message: /admin.*operator.*viewer/,
    });
  });
});

describe('hashApiKeySecret', () => {
  it('is the SHA-256 hex of the secret', () => {
    expect(hashApiKeySecret('am_x')).toBe(createHash('sha256').update('am_x').digest('hex'));
    expect(hashApiKeySecret('am_x')).toMatch(/^[0-9a-f]{64}$/);
  });
});
