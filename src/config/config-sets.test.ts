import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ConfigError } from './config-error.js';
import { applyConfigSets, blameSets, checkSetTargets, parseConfigSet, parseSetPath } from './config-sets.js';
import { parseConfigText } from './load-config.js';
import { resolveConfig } from './resolve-config.js';

function errorOf(run: () => unknown): { code?: string; message: string } {
  try {
    run();
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}

describe('parseSetPath', () => {
  it('splits dotted paths, list indexes and quoted keys', () => {
    expect(parseSetPath('agents.coder.temperature')).toEqual(['agents', 'coder', 'temperature']);
    expect(parseSetPath('teams.review-loop.agents[1]')).toEqual(['teams', 'review-loop', 'agents', 1]);
    expect(parseSetPath('models["openrouter:x/y-3.1"].input')).toEqual([
      'models',
      'openrouter:x/y-3.1',
      'input',
    ]);
    expect(parseSetPath('models[deepseek:deepseek-chat].output')).toEqual([
      'models',
      'deepseek:deepseek-chat',
      'output',
    ]);
  });

  it('rejects what does not parse', () => {
    for (const bad of [
      '',
      '.agents',
      'agents..coder',
      'agents coder',
      'agents.',
      'agents[',
      'agentscoder[0]x',
    ]) {
      expect(parseSetPath(bad)).toBeNull();
    }
  });
});

describe('parseConfigSet', () => {
  it('parses the value as YAML', () => {
    expect(parseConfigSet('agents.coder.temperature=0')).toMatchObject({ value: 0 });
    expect(parseConfigSet('agents.coder.cache=false')).toMatchObject({ value: false });
    expect(parseConfigSet('agents.coder.model=openrouter:x/y')).toMatchObject({ value: 'openrouter:x/y' });
    expect(parseConfigSet('teams.pipeline.agents=[coder, critic]')).toMatchObject({
      value: ['coder', 'critic'],
    });
    expect(parseConfigSet('limits.maxCostUsd=a=b')).toMatchObject({ value: 'a=b' });
  });

  it('refuses a missing =, an unknown section, a bare section and bad YAML with one usage line', () => {
    const cases: [string, string][] = [
      ['agents.coder.temperature', 'expected path=value'],
      ['providers.openrouter.apiKey=x', 'only agents, teams, limits, models can be changed, not "providers"'],
      ['agents=1', 'name a field inside agents'],
      ['agents.coder.temperature=[1', 'the value is not valid YAML'],
      ['agents..x=1', 'the path does not parse'],
    ];
    for (const [text, why] of cases) {
      const error = errorOf(() => parseConfigSet(text));
      expect(error.code).toBe('usage');
      expect(error.message).toContain(`--set ${text}: ${why}`);
      expect(error.message).not.toContain('\n');
    }
  });
});

describe('checkSetTargets', () => {
  const config = resolveConfig({ file: null, env: {}, cwd: '/tmp' });

  it('accepts built-in agents, teams and limits', () => {
    expect(() =>
      checkSetTargets(
        [
          parseConfigSet('agents.summarizer.temperature=0'),
          parseConfigSet('teams.pipeline.maxRounds=2'),
          parseConfigSet('limits.maxCostUsd=1'),
        ],
        config,
      ),
    ).not.toThrow();
  });

  it('refuses an agent or team that does not exist, with a guess', () => {
    const agent = errorOf(() => checkSetTargets([parseConfigSet('agents.sumarizer.temperature=0')], config));
    expect(agent.code).toBe('unknown_agent');
    expect(agent.message).toContain(
      '--set agents.sumarizer.temperature=0: no agent "sumarizer" (did you mean "summarizer"?)',
    );
    expect(errorOf(() => checkSetTargets([parseConfigSet('teams.nope.maxRounds=1')], config)).code).toBe(
      'unknown_team',
    );
  });
});

describe('applyConfigSets', () => {
  it('creates the path in an empty file', () => {
    const text = applyConfigSets('', [parseConfigSet('agents.summarizer.temperature=0')]);
    expect(parse(text)).toEqual({ agents: { summarizer: { temperature: 0 } } });
  });

  it('changes a value in place and keeps comments and the other lines', () => {
    const file = '# my team\nagents:\n  coder:\n    temperature: 0.7 # warm\n    maxTokens: 900\n  critic:\n';
    const text = applyConfigSets(file, [
      parseConfigSet('agents.coder.temperature=0'),
      parseConfigSet('agents.critic.temperature=0.1'),
    ]);
    expect(text).toContain('# my team');
    expect(text).toContain('maxTokens: 900');
    expect(parse(text)).toEqual({
      agents: { coder: { temperature: 0, maxTokens: 900 }, critic: { temperature: 0.1 } },
    });
  });

  it('refuses to descend into a single value', () => {
    const error = errorOf(() =>
      applyConfigSets('limits:\n  maxCostUsd: 2\n', [parseConfigSet('limits.maxCostUsd.x=1')]),
    );
    expect(error.code).toBe('usage');
    expect(error.message).toContain('limits.maxCostUsd holds a single value');
  });
});

describe('blameSets', () => {
  it('reports a bad value as the --set that gave it, in one line', () => {
    const sets = [parseConfigSet('agents.coder.temperature=9')];
    const text = applyConfigSets('agents:\n  coder:\n    maxTokens: 100\n', sets);
    const error = blameSets(
      errorOf(() => parseConfigText({ text, path: '/tmp/agentmesh.yaml', cwd: '/tmp', env: {} })),
      sets,
    );
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toMatch(/^--set agents\.coder\.temperature=9: /);
    expect((error as ConfigError).code).toBe('config_invalid');
  });

  it('reports an unknown field under the set that named it', () => {
    const sets = [parseConfigSet('agents.coder.temprature=0')];
    const text = applyConfigSets('', sets);
    const error = blameSets(
      errorOf(() => parseConfigText({ text, path: '/tmp/agentmesh.yaml', cwd: '/tmp', env: {} })),
      sets,
    ) as ConfigError;
    expect(error.message).toContain(
      '--set agents.coder.temprature=0: unknown key "temprature" (did you mean "temperature"?)',
    );
  });
});
