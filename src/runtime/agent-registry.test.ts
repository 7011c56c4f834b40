import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parseConfigText } from '../config/load-config.js';
import type { ConfigOverrides } from '../config/resolve-config.js';
import { SqliteAgentDefinitionStore } from '../store/sqlite/sqlite-agent-definition-store.js';
import { type AgentRegistry, openAgentRegistry } from './agent-registry.js';

const YAML = `agents:
  poet:
    systemPrompt: You write short poems.
    temperature: 0.9
  coder:
    temperature: 0.1
teams:
  verse:
    pattern: pipeline
    agents: [poet, critic]
`;

describe('openAgentRegistry', () => {
  let dir: string;
  const stores: SqliteAgentDefinitionStore[] = [];
  const overrides: ConfigOverrides = { baseUrl: 'http://127.0.0.1:9/v1', model: 'sim-model', noCache: true };

  const open = async (): Promise<AgentRegistry> => {
    const store = SqliteAgentDefinitionStore.open({ path: join(dir, 'agentmesh.db') });
    stores.push(store);
    const file = parseConfigText({ text: YAML, path: join(dir, 'agentmesh.yaml'), cwd: dir, env: {} });
    return openAgentRegistry({
      file,
      env: {},
      cwd: dir,
      overrides,
      store,
      now: () => new Date('2026-03-01T00:00:00Z'),
    });
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'agentmesh-registry-'));
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists built-in, file and API agents with their source, version and teams', async () => {
    const registry = await open();
    await registry.create('haiku', { role: 'poet-helper', systemPrompt: 'Write haiku.' }, 'local');
    const byId = Object.fromEntries(registry.list().map((view) => [view.config.id, view]));
    expect(byId.planner).toMatchObject({ source: 'builtin', version: 0, active: true });
    expect(byId.coder).toMatchObject({ source: 'file', version: 0 });
    expect(byId.coder?.config.temperature).toBe(0.1);
    expect(byId.poet).toMatchObject({ source: 'file', teams: ['verse'] });
    expect(byId.haiku).toMatchObject({ source: 'api', version: 1, teams: [] });
    expect(byId.haiku?.config).toMatchObject({ systemPrompt: 'Write haiku.', model: 'custom:sim-model' });
  });

  it('swaps in a new config on a change; the old object stays as it was', async () => {
    const registry = await open();
    const before = registry.current();
    const view = await registry.update('poet', { systemPrompt: 'You write limericks.' }, 'key:ci');
    expect(view).toMatchObject({ source: 'api', version: 1 });
    expect(registry.current()).not.toBe(before);
    expect(registry.current().agents.poet?.systemPrompt).toBe('You write limericks.');
    // The stored definition replaces the file's entry: the file's temperature is gone.
    expect(registry.current().agents.poet?.temperature).not.toBe(0.9);
    expect(before.agents.poet?.systemPrompt).toBe('You write short poems.');
  });

  it('refuses a bad field as config_invalid naming it, and stores nothing', async () => {
    const registry = await open();
    await expect(
      registry.update('poet', { systemPrompt: 'x', temperature: 5 }, 'local'),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      context: { field: 'agents.poet.temperature' },
    });
    await expect(
      registry.create('bard', { systemPrompt: 'x', model: 'nope:none' }, 'local'),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      context: { field: 'agents.bard.model' },
    });
    await expect(
      registry.create('bard', { systemPrompt: 'x', tools: ['no_such_tool'] }, 'local'),
    ).rejects.toMatchObject({
      code: 'config_invalid',
      context: { field: expect.stringMatching(/^agents\.bard\.tools/) },
    });
    await expect(registry.create('bard', {}, 'local')).rejects.toMatchObject({
      code: 'config_invalid',
      context: { field: 'agents.bard' },
    });
    const error = await registry
      .create('bard', { sytemPrompt: 'x' } as never, 'local')
      .catch((e: Error) => e);
    expect(error).toMatchObject({ code: 'config_invalid', context: { field: 'agents.bard.sytemPrompt' } });
    expect((error as Error).message).toContain('did you mean "systemPrompt"');
    expect((error as Error).message).not.toContain('\n');
    expect(await stores[0]?.list()).toEqual([]);
    expect(registry.get('poet').config.systemPrompt).toBe('You write short poems.');
  });

  it('refuses to create an id that is built in, in the file, or stored', async () => {
    const registry = await open();
    await registry.create('bard', { role: 'writer', systemPrompt: 'Sing.' }, 'local');
    for (const id of ['planner', 'poet', 'bard']) {
      await expect(registry.create(id, { systemPrompt: 'x' }, 'local')).rejects.toMatchObject({
        code: 'agent_exists',
      });
    }
  });

  it('guards updates with expectedVersion and names unknown agents', async () => {
    const registry = await open();
    await registry.update('critic', { temperature: 0.5 }, 'local', 0);
    await expect(registry.update('critic', { temperature: 0.6 }, 'local', 0)).rejects.toMatchObject({
      code: 'agent_exists',
    });
    expect((await registry.update('critic', { temperature: 0.7 }, 'local', 1)).version).toBe(2);
    expect(registry.get('critic').config.temperature).toBe(0.7);
    await expect(registry.update('ghost', { systemPrompt: 'x' }, 'local')).rejects.toMatchObject({
      code: 'agent_not_found',
    });
    expect(() => registry.get('ghost')).toThrow(expect.objectContaining({ code: 'agent_not_found' }));
  });

  it('deactivates an agent without removing it from the config, and activates it again', async () => {
    const registry = await open();
    const off = await registry.setActive('poet', false, 'local');
    expect(off).toMatchObject({ active: false, source: 'file' });
    expect([...registry.inactiveAgents()]).toEqual(['poet']);
    expect(registry.current().agents.poet?.systemPrompt).toBe('You write short poems.');
    expect((await registry.setActive('poet', true, 'local')).active).toBe(true);
    expect(registry.inactiveAgents().size).toBe(0);
  });

  it('frees the id of a deactivated file agent once agentmesh.yaml no longer has it', async () => {
    const registry = await open();
    await registry.setActive('poet', false, 'local');
    const store = stores[0];
    if (store === undefined) throw new Error('no store');
    // The same database with a file that dropped poet (and the team that used it).
    const file = parseConfigText({
      text: 'agents:\n  coder:\n    temperature: 0.1\n',
      path: join(dir, 'agentmesh.yaml'),
      cwd: dir,
      env: {},
    });
    const later = await openAgentRegistry({ file, env: {}, cwd: dir, overrides, store });
    expect(later.current().agents.poet).toBeUndefined();
    const created = await later.create('poet', { systemPrompt: 'Rhyme.' }, 'local');
    expect(created).toMatchObject({ source: 'api', active: true });
    expect(later.inactiveAgents().has('poet')).toBe(false);
  });

  it('sees what another registry on the same database wrote after refresh()', async () => {
    const a = await open();
    const b = await open();
    await a.create('bard', { systemPrompt: 'Sing.' }, 'local');
    await a.setActive('coder', false, 'local');
    expect(b.current().agents.bard).toBeUndefined();
    await b.refresh();
    expect(b.get('bard')).toMatchObject({ source: 'api', version: 1 });
    expect(b.inactiveAgents().has('coder')).toBe(true);
  });
});
