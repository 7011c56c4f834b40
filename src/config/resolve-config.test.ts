// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about literal ${VAR} placeholders.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAgentMeshError } from '../errors/index.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_MODEL_REF } from './defaults/providers.js';
import { type LoadedConfigFile, loadConfigFile } from './load-config.js';
import { type ConfigOverrides, modelInfo, resolveConfig, resolveTeam } from './resolve-config.js';

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'agentmesh-resolve-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

type Env = Record<string, string | undefined>;

async function fileOf(yaml: string, env: Env = {}): Promise<LoadedConfigFile | null> {
  await writeFile(join(cwd, 'agentmesh.yaml'), yaml);
  return loadConfigFile({ cwd, env });
}

function thrownBy(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('resolveConfig with built-in defaults', () => {
  const config = () => resolveConfig({ file: null, env: {}, cwd: '/work/project' });

  it('has the nine roles, each with a role prompt, on the default model', () => {
    const { agents } = config();
    expect(Object.keys(agents)).toEqual([
      'planner',
      'researcher',
      'architect',
      'coder',
      'critic',
      'debugger',
      'tester',
      'documenter',
      'summarizer',
    ]);
    for (const agent of Object.values(agents)) {
      expect(agent.model).toBe(DEFAULT_MODEL_REF);
      expect(agent.fallbackModels).toEqual([]);
      expect(agent.promptVersion).toBe(1);
      expect(
        agent.systemPrompt.startsWith(`You are the ${agent.role[0]?.toUpperCase()}${agent.role.slice(1)}`),
      ).toBe(true);
    }
  });

  it('has the pipeline and chat teams, pipeline by default', () => {
    const { teams, defaultTeam } = config();
    expect(defaultTeam).toBe('pipeline');
    expect(teams.pipeline).toMatchObject({
      pattern: 'pipeline',
      agents: ['planner', 'researcher', 'coder', 'critic', 'summarizer'],
    });
    expect(teams.chat).toMatchObject({
      pattern: 'chat',
      approver: 'critic',
      approvalKeyword: 'APPROVED',
      maxRounds: 3,
    });
  });

  it('has the four providers, OpenRouter attribution headers and keys from their env vars', () => {
    const resolved = resolveConfig({
      file: null,
      env: { OPENROUTER_API_KEY: 'sk-or', DEEPSEEK_API_KEY: '' },
      cwd: '/p',
    });
    expect(Object.keys(resolved.providers)).toEqual(['openrouter', 'deepseek', 'openai', 'ollama']);
    expect(resolved.providers.openrouter).toMatchObject({ apiKey: 'sk-or', requiresApiKey: true });
    expect(resolved.providers.openrouter?.headers).toMatchObject({
      'HTTP-Referer': expect.any(String),
      'X-Title': 'AgentMesh',
    });
    expect(resolved.providers.deepseek?.apiKey).toBeNull();
    expect(resolved.providers.ollama).toMatchObject({ apiKey: null, requiresApiKey: false });
  });

  it('puts the store under .agentmesh in cwd', () => {
    expect(config().store).toEqual({
      path: '/work/project/.agentmesh/agentmesh.db',
      artifactsDir: '/work/project/.agentmesh/runs',
    });
    expect(config().source).toBeNull();
  });
});

describe('resolveConfig with a file', () => {
  it('overrides only the given fields of a built-in agent and adds new agents, models and teams', async () => {
    const file = await fileOf(
      [
        'models:',
        '  "ollama:llama3.1:8b": { input: 0, output: 0, contextWindow: 131072 }',
        '  "openai:gpt-4o-mini": { output: 0.5 }',
        'agents:',
        '  coder: { temperature: 0.7, fallbackModels: ["openai:gpt-4o-mini"] }',
        '  reviewer: { role: critic, model: "ollama:llama3.1:8b" }',
        '  poet: { systemPrompt: "You are the Poet." }',
        'teams:',
        '  duo: { pattern: chat, agents: [coder, reviewer], approver: reviewer }',
        '  chat: { approver: null }',
        'store: { path: data/runs.db }',
        'defaults: { team: duo }',
      ].join('\n'),
    );
    const config = resolveConfig({ file, env: {}, cwd });
    expect(config.source).toBe(join(cwd, 'agentmesh.yaml'));
    expect(config.agents.coder).toMatchObject({
      temperature: 0.7,
      maxTokens: 2000,
      model: DEFAULT_MODEL_REF,
    });
    expect(config.agents.coder?.fallbackModels).toEqual(['openai:gpt-4o-mini']);
    expect(config.agents.reviewer?.systemPrompt).toBe(config.agents.critic?.systemPrompt);
    expect(config.agents.reviewer).toMatchObject({
      id: 'reviewer',
      role: 'critic',
      model: 'ollama:llama3.1:8b',
    });
    expect(config.agents.poet).toMatchObject({ role: 'poet', temperature: 0.3, promptVersion: 1 });
    expect(config.models['ollama:llama3.1:8b']).toMatchObject({ provider: 'ollama', id: 'llama3.1:8b' });
    expect(config.models['openai:gpt-4o-mini']?.pricing).toEqual({
      inputPer1M: 0.15,
      cachedInputPer1M: 0.075,
      outputPer1M: 0.5,
    });
    expect(config.teams.duo).toMatchObject({ maxRounds: 3, approvalKeyword: 'APPROVED', description: '' });
    expect(config.teams.chat?.approver).toBeNull();
    expect(config.defaultTeam).toBe('duo');
    expect(config.store.path).toBe(join(cwd, 'data/runs.db'));
  });

  it('keeps the built-in settings of an entry left empty', async () => {
    const file = await fileOf('agents:\n  coder:\nteams:\n  chat:\n');
    const config = resolveConfig({ file, env: {}, cwd });
    expect(config.agents.coder).toEqual(resolveConfig({ file: null, env: {}, cwd }).agents.coder);
    expect(config.teams.chat?.approver).toBe('critic');
  });

  it('takes a provider key from the interpolated file value before the env var', async () => {
    const file = await fileOf('providers:\n  openrouter:\n    apiKey: ${ROUTER_KEY}\n', {
      ROUTER_KEY: 'from-file',
    });
    const config = resolveConfig({ file, env: { OPENROUTER_API_KEY: 'from-env' }, cwd });
    expect(config.providers.openrouter?.apiKey).toBe('from-file');
  });

  it('reports every semantic problem at once with dot-paths and lines', async () => {
    const file = await fileOf(
      [
        'agents:',
        '  coder:',
        '    model: openai:gpt-9',
        '  auditor:',
        '    temperature: 0.1',
        'teams:',
        '  duo:',
        '    pattern: chat',
        '    agents: [coder, critc]',
        '    approver: planner',
        '',
      ].join('\n'),
    );
    const error = thrownBy(() => resolveConfig({ file, env: {}, cwd }));
    expect(error.code).toBe('config_invalid');
    expect(error.issues.map((issue) => `${issue.line} ${issue.path}`)).toEqual([
      '3 agents.coder.model',
      '4 agents.auditor',
      '9 teams.duo.agents[1]',
      '10 teams.duo.approver',
    ]);
    const lines = error.formatIssues();
    expect(lines[0]).toContain(
      'agentmesh.yaml:3: agents.coder.model: unknown model "openai:gpt-9"; known models: ',
    );
    expect(lines[0]).toContain('add it under models: in agentmesh.yaml with its prices');
    expect(lines[1]).toContain('a new agent needs role (one of: planner, researcher');
    expect(lines[2]).toContain('unknown agent "critc" (did you mean "critic"?); defined agents: planner,');
    expect(lines[3]).toContain(
      'approver "planner" is not in this team; choose one of its agents: coder, critc',
    );
  });

  it('uses code unknown_model when every problem is an unknown model', async () => {
    const file = await fileOf('agents:\n  coder:\n    fallbackModels: ["openrouter:nobody/nothing"]\n');
    const error = thrownBy(() => resolveConfig({ file, env: {}, cwd }));
    expect(error.code).toBe('unknown_model');
    expect(error.message).toMatch(/^agentmesh\.yaml:3: agents\.coder\.fallbackModels\[0\]: unknown model/);
    expect(error.message).toContain(DEFAULT_MODEL_REF);
  });

  it('lists the configured providers when a model ref names another', async () => {
    const file = await fileOf(
      'models:\n  "anthropic:claude": { input: 3, output: 15 }\ndefaults:\n  model: "openruter:x/y"\n',
    );
    const lines = thrownBy(() => resolveConfig({ file, env: {}, cwd })).formatIssues();
    expect(lines).toEqual([
      'agentmesh.yaml:2: models["anthropic:claude"]: unknown provider "anthropic"; configured providers: openrouter, deepseek, openai, ollama; add it under providers: in agentmesh.yaml',
      'agentmesh.yaml:4: defaults.model: model "openruter:x/y": unknown provider "openruter" (did you mean "openrouter"?); configured providers: openrouter, deepseek, openai, ollama; add it under providers: in agentmesh.yaml',
    ]);
  });

  it('reports an unknown default team from the file at its line', async () => {
    const file = await fileOf('defaults:\n  team: pipelin\n');
    const error = thrownBy(() => resolveConfig({ file, env: {}, cwd }));
    expect(error.code).toBe('unknown_team');
    expect(error.message).toBe(
      'agentmesh.yaml:2: defaults.team: unknown team "pipelin" (did you mean "pipeline"?); available teams: pipeline, parallel, chat, selector, review-loop, handshake, hierarchical, code; define it under teams: in agentmesh.yaml',
    );
  });
});

describe('resolveConfig overrides', () => {
  const resolveWith = (overrides: ConfigOverrides, env: Env = {}) =>
    resolveConfig({ file: null, env, cwd: '/p', overrides });

  it('with a base URL adds the custom provider and puts every agent on the model as given', () => {
    const config = resolveWith({ baseUrl: 'http://localhost:11434/v1/', model: 'llama3.1:8b', apiKey: 'k' });
    expect(config.providers.custom).toEqual({
      id: 'custom',
      kind: 'openai-compatible',
      baseUrl: 'http://localhost:11434/v1',
      apiKeyEnv: null,
      apiKey: 'k',
      requiresApiKey: false,
      headers: {},
      streamUsage: true,
      rateLimit: { rpm: null, tpm: null, windowMs: 60_000, maxInFlight: null },
    });
    expect(config.models['custom:llama3.1:8b']).toEqual({
      ref: 'custom:llama3.1:8b',
      provider: 'custom',
      id: 'llama3.1:8b',
      pricing: null,
      contextWindow: null,
      rateLimit: null,
    });
    expect(config.defaultModel).toBe('custom:llama3.1:8b');
    for (const agent of Object.values(config.agents)) {
      expect(agent.model).toBe('custom:llama3.1:8b');
      expect(agent.fallbackModels).toEqual([]);
    }
  });

  it('takes base URL, model, key and db from AGENTMESH_* env vars, with flags winning', () => {
    const env = {
      AGENTMESH_BASE_URL: 'http://127.0.0.1:8080/v1',
      AGENTMESH_MODEL: 'env-model',
      AGENTMESH_API_KEY: 'env-key',
      AGENTMESH_DB: 'env.db',
    };
    const fromEnv = resolveWith({}, env);
    expect(fromEnv.defaultModel).toBe('custom:env-model');
    expect(fromEnv.providers.custom).toMatchObject({
      baseUrl: 'http://127.0.0.1:8080/v1',
      apiKey: 'env-key',
    });
    expect(fromEnv.store.path).toBe('/p/env.db');
    const fromFlags = resolveWith({ model: 'flag-model', db: '/abs/flag.db' }, env);
    expect(fromFlags.defaultModel).toBe('custom:flag-model');
    expect(fromFlags.store.path).toBe('/abs/flag.db');
  });

  it('replaces every primary model with a model override and keeps the fallbacks', async () => {
    const file = await fileOf(
      'agents:\n  coder:\n    fallbackModels: ["openai:gpt-4o", "openai:gpt-4o-mini"]\n',
    );
    const config = resolveConfig({ file, env: {}, cwd, overrides: { model: 'openai:gpt-4o-mini' } });
    expect(config.defaultModel).toBe('openai:gpt-4o-mini');
    expect(Object.values(config.agents).every((agent) => agent.model === 'openai:gpt-4o-mini')).toBe(true);
    expect(config.agents.coder?.fallbackModels).toEqual(['openai:gpt-4o']);
  });

  it('resolves a bare model id when exactly one known model has it', () => {
    expect(resolveWith({ model: 'gpt-4o' }).defaultModel).toBe('openai:gpt-4o');
    expect(resolveWith({ model: 'deepseek/deepseek-chat-v3-0324:free' }).defaultModel).toBe(
      'openrouter:deepseek/deepseek-chat-v3-0324:free',
    );
  });

  it('asks for the full ref when several providers serve a bare id', async () => {
    const file = await fileOf('models:\n  "deepseek:deepseek/deepseek-chat": { input: 1, output: 2 }\n');
    const error = thrownBy(() =>
      resolveConfig({ file, env: {}, cwd, overrides: { model: 'deepseek/deepseek-chat' } }),
    );
    expect(error.message).toBe(
      '--model: model id "deepseek/deepseek-chat" is served by several providers; write one of: openrouter:deepseek/deepseek-chat, deepseek:deepseek/deepseek-chat',
    );
  });

  it('rejects an unknown model override with unknown_model, listing the known models', () => {
    const error = thrownBy(() => resolveWith({}, { AGENTMESH_MODEL: 'openai:gpt-9' }));
    expect(error.code).toBe('unknown_model');
    expect(error.message).toMatch(
      /^AGENTMESH_MODEL: unknown model "openai:gpt-9"; known models: .*openai:gpt-4o,/,
    );
    expect(error.message).toContain('add it under models: in agentmesh.yaml with its prices');
  });

  it('sets the key of the default model provider from --api-key without a base URL', () => {
    const config = resolveWith({ model: 'openai:gpt-4o', apiKey: 'sk-flag' }, { OPENAI_API_KEY: 'sk-env' });
    expect(config.providers.openai?.apiKey).toBe('sk-flag');
  });

  it('applies --max-cost over the file and rejects a negative one', async () => {
    const file = await fileOf('limits:\n  maxCostUsd: 5\n');
    expect(resolveConfig({ file, env: {}, cwd, overrides: { maxCostUsd: 0.25 } }).limits.maxCostUsd).toBe(
      0.25,
    );
    expect(resolveConfig({ file, env: {}, cwd }).limits.maxCostUsd).toBe(5);
    expect(thrownBy(() => resolveWith({ maxCostUsd: -1 })).message).toBe(
      '--max-cost: expected a number of USD, 0 or more',
    );
  });

  it('rejects an unknown --team with unknown_team, listing the teams', () => {
    const error = thrownBy(() => resolveWith({ team: 'swarm' }));
    expect(error.code).toBe('unknown_team');
    expect(error.message).toBe(
      '--team: unknown team "swarm"; available teams: pipeline, parallel, chat, selector, review-loop, handshake, hierarchical, code; define it under teams: in agentmesh.yaml',
    );
  });
});

describe('lookups', () => {
  const config = resolveConfig({ file: null, env: {}, cwd: '/p' });

  it('resolveTeam throws unknown_team listing the available teams', () => {
    expect(resolveTeam(config, 'chat').id).toBe('chat');
    const error = (() => {
      try {
        resolveTeam(config, 'chatt');
      } catch (e) {
        return e;
      }
    })();
    expect(isAgentMeshError(error) && error.code).toBe('unknown_team');
    expect((error as Error).message).toBe(
      'Unknown team "chatt" (did you mean "chat"?); available teams: pipeline, parallel, chat, selector, review-loop, handshake, hierarchical, code; define it under teams: in agentmesh.yaml.',
    );
  });

  it('modelInfo returns the model or throws unknown_model listing the known ones', () => {
    expect(modelInfo(config, DEFAULT_MODEL_REF).pricing?.outputPer1M).toBeGreaterThan(0);
    expect(() => modelInfo(config, 'openai:gpt-9')).toThrow(/known models: .*openai:gpt-4o-mini/);
  });
});

describe('secrets', () => {
  it('never puts provider keys into error messages, issues or context', async () => {
    const secrets = {
      OPENROUTER_API_KEY: 'sk-or-SECRET-1',
      OPENAI_API_KEY: 'sk-SECRET-2',
      AGENTMESH_API_KEY: 'sk-SECRET-3',
    };
    const file = await fileOf(
      [
        'providers:',
        '  openrouter: { apiKey: "${OPENROUTER_API_KEY}", baseUrl: "${OPENAI_API_KEY}" }',
        'agents:',
        '  coder: { model: "${OPENAI_API_KEY}", temperature: "${OPENROUTER_API_KEY}" }',
        '',
      ].join('\n'),
      secrets,
    ).catch((error: unknown) => error);
    const errors: unknown[] = [file];
    const valid = await fileOf('agents:\n  coder: { model: "${OPENAI_API_KEY}" }\n', secrets);
    for (const overrides of [
      { model: 'nope' },
      { team: 'nope' },
      { maxCostUsd: -1 },
      { apiKey: 'sk-SECRET-4', model: 'x:y' },
    ]) {
      try {
        resolveConfig({ file: valid, env: secrets, cwd, overrides });
      } catch (error) {
        errors.push(error);
      }
    }
    expect(errors).toHaveLength(5);
    for (const error of errors) {
      const text = `${(error as Error).message}\n${JSON.stringify(error)}\n${JSON.stringify((error as ConfigError).issues)}`;
      expect(text).not.toMatch(/SECRET/);
    }
  });
});
