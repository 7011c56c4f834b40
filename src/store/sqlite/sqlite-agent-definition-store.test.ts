import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteAgentDefinitionStore } from './sqlite-agent-definition-store.js';

describe('SqliteAgentDefinitionStore', () => {
  let dir: string;
  let path: string;
  const open: SqliteAgentDefinitionStore[] = [];
  const openStore = () => {
    const store = SqliteAgentDefinitionStore.open({ path });
    open.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-agents-'));
    path = join(dir, 'agentmesh.db');
  });
  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a definition at version 1 and bumps the version at every change', async () => {
    const store = openStore();
    const first = await store.put({
      agentId: 'poet',
      definition: { role: 'writer', systemPrompt: 'Write verse.' },
      updatedBy: 'local',
      at: '2026-01-01T00:00:00.000Z',
    });
    expect(first).toEqual({
      agentId: 'poet',
      definition: { role: 'writer', systemPrompt: 'Write verse.' },
      active: true,
      version: 1,
      updatedAt: '2026-01-01T00:00:00.000Z',
      updatedBy: 'local',
    });
    const second = await store.put({
      agentId: 'poet',
      definition: { systemPrompt: 'Write prose.' },
      updatedBy: 'key:ci',
      at: '2026-01-02T00:00:00.000Z',
    });
    expect(second.version).toBe(2);
    expect(await store.get('poet')).toEqual(second);
    expect(await store.get('nobody')).toBeUndefined();
  });

  it('compares and swaps with expectedVersion: 0 only when absent, else only at that version', async () => {
    const store = openStore();
    const entry = { agentId: 'poet', definition: { systemPrompt: 'A' }, updatedBy: 'local', at: 't1' };
    await store.put(entry, 0);
    await expect(store.put(entry, 0)).rejects.toMatchObject({ code: 'agent_exists' });
    await expect(store.put({ ...entry, definition: { systemPrompt: 'B' } }, 3)).rejects.toMatchObject({
      code: 'agent_exists',
      context: { version: 1, expectedVersion: 3 },
    });
    expect((await store.get('poet'))?.definition).toEqual({ systemPrompt: 'A' });
    const swapped = await store.put({ ...entry, definition: { systemPrompt: 'B' } }, 1);
    expect(swapped).toMatchObject({ version: 2, definition: { systemPrompt: 'B' } });
  });

  it('deactivates an agent it has no definition of with an empty overlay, and keeps the state across puts', async () => {
    const store = openStore();
    const off = await store.setActive('coder', false, 'local', 't1');
    expect(off).toMatchObject({ agentId: 'coder', definition: {}, active: false, version: 1 });
    const changed = await store.put({
      agentId: 'coder',
      definition: { temperature: 0.1 },
      updatedBy: 'local',
      at: 't2',
    });
    expect(changed).toMatchObject({ active: false, version: 2 });
    const on = await store.setActive('coder', true, 'local', 't3');
    expect(on).toMatchObject({ active: true, version: 3, definition: { temperature: 0.1 } });
  });

  it("shares one table between connections on the run store's database file", async () => {
    const a = openStore();
    const b = openStore();
    await a.put({ agentId: 'b-agent', definition: { role: 'coder' }, updatedBy: 'local', at: 't1' });
    await a.put({ agentId: 'a-agent', definition: { role: 'critic' }, updatedBy: 'local', at: 't1' });
    expect((await b.list()).map((entry) => entry.agentId)).toEqual(['a-agent', 'b-agent']);
    await expect(
      b.put({ agentId: 'a-agent', definition: {}, updatedBy: 'x', at: 't2' }, 0),
    ).rejects.toMatchObject({
      code: 'agent_exists',
    });
  });

  it('refuses use after close with a store error', async () => {
    const store = openStore();
    await store.close();
    await expect(store.list()).rejects.toMatchObject({ code: 'store' });
  });
});
