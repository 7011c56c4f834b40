// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} placeholders.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAgentMeshError } from '../errors/index.js';
import { ConfigError } from './config-error.js';
import { loadConfigFile } from './load-config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'agentmesh-load-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

async function load(yaml: string, env: Record<string, string | undefined> = {}) {
  await writeFile(join(cwd, 'agentmesh.yaml'), yaml);
  return loadConfigFile({ cwd, env });
}

async function loadError(yaml: string, env: Record<string, string | undefined> = {}): Promise<ConfigError> {
  const error = await load(yaml, env).then(
    () => null,
    (thrown: unknown) => thrown,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfigFile', () => {
  it('returns null when there is no agentmesh.yaml and no path was given', async () => {
    expect(await loadConfigFile({ cwd, env: {} })).toBeNull();
  });

  it('falls back to agentmesh.yml', async () => {
    await writeFile(join(cwd, 'agentmesh.yml'), 'stream: true\n');
    const loaded = await loadConfigFile({ cwd, env: {} });
    expect(loaded?.path).toBe(join(cwd, 'agentmesh.yml'));
    expect(loaded?.config.stream).toBe(true);
  });

  it('treats an empty file as a config with nothing set', async () => {
    const loaded = await load('# only a comment\n');
    expect(loaded?.config).toEqual({});
  });

  it('fails with config_unreadable naming the path when an explicit file does not exist', async () => {
    const error = await loadConfigFile({ path: 'missing.yaml', cwd, env: {} }).catch((e: unknown) => e);
    expect(isAgentMeshError(error) && error.code).toBe('config_unreadable');
    expect((error as Error).message).toContain(join(cwd, 'missing.yaml'));
    expect((error as Error).message).toContain('agentmesh init');
  });

  it('fails with config_unreadable when the path is a directory', async () => {
    await mkdir(join(cwd, 'conf'));
    const error = await loadConfigFile({ path: 'conf', cwd, env: {} }).catch((e: unknown) => e);
    expect(isAgentMeshError(error) && error.code).toBe('config_unreadable');
    expect((error as Error).message).toContain('directory');
  });

  it('reports a wrong type with file, line, field, what is allowed and what was given', async () => {
    const error = await loadError('agents:\n  coder:\n    temperature: hot\n');
    expect(error.code).toBe('config_invalid');
    expect(error.message).toBe(
      'agentmesh.yaml:3: agents.coder.temperature: expected a number from 0 to 2, got "hot"',
    );
    expect(error.issues).toEqual([
      {
        file: 'agentmesh.yaml',
        line: 3,
        path: 'agents.coder.temperature',
        message: 'expected a number from 0 to 2, got "hot"',
      },
    ]);
  });

  it('treats an entry with an empty value as one with nothing set', async () => {
    const loaded = await load('agents:\n  coder:\n    # temperature: 0.5\nteams:\n  chat:\n');
    expect(loaded?.config.agents).toEqual({ coder: null });
    expect(loaded?.config.teams).toEqual({ chat: null });
  });

  it('says a list is empty when it needs items', async () => {
    const error = await loadError('teams:\n  mine:\n    agents: []\n');
    expect(error.message).toBe(
      'agentmesh.yaml:3: teams.mine.agents: expected a list of agent ids (a nested list is a stage that runs in parallel), got an empty list',
    );
  });

  it('reports an out-of-range number with the range', async () => {
    const error = await loadError('agents:\n  coder:\n    maxTokens: 0\n');
    expect(error.message).toBe(
      'agentmesh.yaml:3: agents.coder.maxTokens: expected a whole number greater than 0, got 0',
    );
  });

  it('reports an unknown key on its own line, listing the allowed keys and the likely typo', async () => {
    const error = await loadError('agents:\n  coder:\n    model: openai:gpt-4o\n    temprature: 0.5\n');
    expect(error.issues[0]).toMatchObject({ line: 4, path: 'agents.coder.temprature' });
    expect(error.message).toContain('unknown key "temprature" (did you mean "temperature"?)');
    expect(error.message).toContain(
      'allowed keys: role, systemPrompt, promptVersion, model, fallbackModels, temperature, maxTokens',
    );
  });

  it('reports an unknown top-level section listing every section', async () => {
    const error = await loadError('stream: true\nlimit:\n  maxCostUsd: 1\n');
    expect(error.message).toMatch(
      /^agentmesh\.yaml:2: limit: unknown key "limit" \(did you mean "limits"\?\)/,
    );
    for (const key of [
      'defaults',
      'providers',
      'models',
      'agents',
      'teams',
      'limits',
      'store',
      'stream',
      'redis',
    ]) {
      expect(error.message).toContain(key);
    }
  });

  it('reports a bad enum value listing the allowed values', async () => {
    const error = await loadError('teams:\n  mine:\n    pattern: swarm\n    agents: [coder]\n');
    expect(error.message).toBe(
      'agentmesh.yaml:3: teams.mine.pattern: expected one of: pipeline, parallel, roundrobin, chat, selector, review-loop, handshake, hierarchical, graph, code, got "swarm"',
    );
  });

  it('reports YAML syntax errors with file, line and column', async () => {
    const error = await loadError('agents:\n  coder:\n    fallbackModels: [a, b\nteams: {}\n');
    expect(error.message).toMatch(/^agentmesh\.yaml:4:1: invalid YAML: /);
    expect(error.issues[0]).toMatchObject({ file: 'agentmesh.yaml', line: 4, column: 1, path: '' });
  });

  it('reports duplicate keys as YAML errors', async () => {
    const error = await loadError('stream: true\nstream: false\n');
    expect(error.message).toMatch(/^agentmesh\.yaml:2:1: invalid YAML: Map keys must be unique/);
  });

  it('reports a missing environment variable with its name, file, line and field', async () => {
    const error = await loadError('providers:\n  openrouter:\n    apiKey: ${MY_ROUTER_KEY}\n');
    expect(error.message).toBe(
      'agentmesh.yaml:3: providers.openrouter.apiKey: environment variable MY_ROUTER_KEY is not set; ' +
        'set it, or give a default with ${MY_ROUTER_KEY:-value}',
    );
  });

  it('reports every problem at once, in file order, and says how many more there are', async () => {
    const error = await loadError(
      [
        'agents:',
        '  coder:',
        '    temperature: hot',
        '    colour: blue',
        'teams:',
        '  mine:',
        '    pattern: swarm',
        'limits:',
        '  callTimeoutMs: ${TIMEOUT}',
        '',
      ].join('\n'),
    );
    expect(error.issues.map((issue) => [issue.line, issue.path])).toEqual([
      [3, 'agents.coder.temperature'],
      [4, 'agents.coder.colour'],
      [7, 'teams.mine.pattern'],
      [9, 'limits.callTimeoutMs'],
    ]);
    expect(error.message).toMatch(/ \(and 3 more problems\)$/);
    expect(error.message.split('\n')).toHaveLength(1);
    expect(error.formatIssues()).toHaveLength(4);
    expect(error.formatIssues()[3]).toBe(
      'agentmesh.yaml:9: limits.callTimeoutMs: environment variable TIMEOUT is not set; set it, or give a default with ${TIMEOUT:-value}',
    );
  });

  it('points problems in a list item at the item line, and in model refs at the quoted key', async () => {
    const error = await loadError(
      'models:\n  "openai:gpt-5":\n    input: cheap\nteams:\n  mine:\n    agents:\n      - coder\n      - 42\n',
    );
    expect(error.formatIssues()).toEqual([
      'agentmesh.yaml:3: models["openai:gpt-5"].input: expected a number of 0 or more, got "cheap"',
      'agentmesh.yaml:8: teams.mine.agents[1]: expected an agent id, or a list of agent ids that run in parallel, got 42',
    ]);
  });

  it('interpolates variables, uses defaults when unset or empty, and turns whole numbers into numbers', async () => {
    const loaded = await load(
      [
        'providers:',
        '  openrouter:',
        '    apiKey: ${ROUTER_KEY}',
        '    baseUrl: ${ROUTER_URL:-https://proxy.example/v1}',
        'limits:',
        '  maxCostUsd: ${MAX_COST:-2.5}',
        'agents:',
        '  coder:',
        '    systemPrompt: "You are the Coder. Use `${name}` templates; cost $${HOME}"',
        '',
      ].join('\n'),
      { ROUTER_KEY: 'sk-test', MAX_COST: '' },
    );
    expect(loaded?.config.providers?.openrouter?.apiKey).toBe('sk-test');
    expect(loaded?.config.providers?.openrouter?.baseUrl).toBe('https://proxy.example/v1');
    expect(loaded?.config.limits?.maxCostUsd).toBe(2.5);
    expect(loaded?.config.agents?.coder?.systemPrompt).toBe(
      'You are the Coder. Use `${name}` templates; cost ${HOME}',
    );
  });

  it('never echoes interpolated values: a secret in the wrong field shows as written', async () => {
    const error = await loadError('agents:\n  coder:\n    temperature: ${OPENROUTER_API_KEY}\n', {
      OPENROUTER_API_KEY: 'sk-or-v1-supersecret',
    });
    expect(error.message).toBe(
      'agentmesh.yaml:3: agents.coder.temperature: expected a number from 0 to 2, got "${OPENROUTER_API_KEY}"',
    );
    expect(JSON.stringify(error.issues)).not.toContain('supersecret');
  });

  it('does not echo the value of an apiKey or a header', async () => {
    const error = await loadError(
      'providers:\n  openrouter:\n    apiKey: [sk-or-v1-literal]\n    headers:\n      Authorization: [Bearer sk-x]\n',
    );
    expect(error.formatIssues()).toEqual([
      'agentmesh.yaml:3: providers.openrouter.apiKey: expected a string',
      'agentmesh.yaml:5: providers.openrouter.headers.Authorization: expected a string',
    ]);
  });

  it('shows the config path relative to cwd, or absolute outside it', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'agentmesh-outside-'));
    try {
      await writeFile(join(outside, 'team.yaml'), 'stream: sometimes\n');
      const error = await loadConfigFile({ path: join(outside, 'team.yaml'), cwd, env: {} }).catch(
        (e: unknown) => e,
      );
      expect((error as Error).message).toBe(
        `${join(outside, 'team.yaml')}:1: stream: expected true or false, got "sometimes"`,
      );
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});
