import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './config-error.js';
import { IssueCollector } from './issue-collector.js';
import { loadConfigFile } from './load-config.js';
import { resolveConfig } from './resolve-config.js';
import { DEFAULT_REPETITION, DEFAULT_STEER_INSTRUCTION, resolveTermination } from './resolve-termination.js';

const PATH = ['teams', 'chat', 'termination'];
const AGENTS = ['planner', 'critic', 'summarizer'];

/** The resolved condition, or the issues (path: message) it was refused with. */
function resolve(raw: unknown): ReturnType<typeof resolveTermination> | string[] {
  const issues = new IssueCollector(null);
  const resolved = resolveTermination(raw as Record<string, unknown>, PATH, issues, AGENTS);
  try {
    issues.throwIfAny();
  } catch (error) {
    expect(resolved).toBeNull();
    return (error as ConfigError).formatIssues();
  }
  return resolved;
}

describe('resolveTermination: valid forms', () => {
  it('is null when not given', () => {
    expect(resolve(null)).toBeNull();
    expect(resolve(undefined)).toBeNull();
  });

  it('takes a single condition mapping as that condition', () => {
    expect(resolve({ maxRounds: 5 })).toEqual({ maxRounds: 5 });
    expect(resolve({ maxMessages: 30 })).toEqual({ maxMessages: 30 });
    expect(resolve({ maxTokens: 100000 })).toEqual({ maxTokens: 100000 });
    expect(resolve({ maxCostUsd: 0.5 })).toEqual({ maxCostUsd: 0.5 });
  });

  it('resolves timeoutSeconds to milliseconds', () => {
    expect(resolve({ timeoutSeconds: 600 })).toEqual({ timeoutMs: 600_000 });
    expect(resolve({ timeoutSeconds: 1.5 })).toEqual({ timeoutMs: 1500 });
  });

  it('accepts numbers left as text by environment interpolation', () => {
    expect(resolve({ maxMessages: '12' })).toEqual({ maxMessages: 12 });
  });

  it('takes a mention as a word, or as text and the agent that must say it', () => {
    expect(resolve({ mention: 'APPROVED' })).toEqual({ mention: { text: 'APPROVED', from: null } });
    expect(resolve({ mention: { text: 'TERMINATE', from: 'critic' } })).toEqual({
      mention: { text: 'TERMINATE', from: 'critic' },
    });
    expect(resolve({ mention: { text: 'DONE' } })).toEqual({ mention: { text: 'DONE', from: null } });
  });

  it('fills repetition defaults for {}, an empty value and true, and keeps what is given', () => {
    expect(resolve({ repetition: {} })).toEqual({ repetition: DEFAULT_REPETITION });
    expect(resolve({ repetition: null })).toEqual({ repetition: DEFAULT_REPETITION });
    expect(resolve({ repetition: true })).toEqual({ repetition: DEFAULT_REPETITION });
    expect(
      resolve({
        repetition: {
          threshold: 0.85,
          window: 4,
          action: 'steer',
          instruction: 'Say something new.',
          toolCallWindow: 7,
        },
      }),
    ).toEqual({
      repetition: {
        threshold: 0.85,
        window: 4,
        action: 'steer',
        instruction: 'Say something new.',
        toolCallWindow: 7,
      },
    });
  });

  it('words the default steer after the mention word any agent may say', () => {
    const resolved = resolve({ any: [{ mention: 'TERMINATE' }, { repetition: { action: 'steer' } }] });
    expect(resolved).toEqual({
      any: [
        { mention: { text: 'TERMINATE', from: null } },
        {
          repetition: {
            ...DEFAULT_REPETITION,
            action: 'steer',
            instruction: expect.stringContaining('reply TERMINATE if the task is done'),
          },
        },
      ],
    });
    // A word only one agent may say would not help the others.
    const onlyCritic = resolve({ any: [{ mention: { text: 'OK', from: 'critic' } }, { repetition: {} }] });
    expect(onlyCritic).toMatchObject({
      any: [{}, { repetition: { instruction: DEFAULT_STEER_INSTRUCTION } }],
    });
  });

  it('nests any and all, in the order written', () => {
    expect(
      resolve({
        any: [{ maxRounds: 5 }, { all: [{ mention: 'APPROVED' }, { maxMessages: 4 }] }],
      }),
    ).toEqual({
      any: [{ maxRounds: 5 }, { all: [{ mention: { text: 'APPROVED', from: null } }, { maxMessages: 4 }] }],
    });
  });

  it('reads a mapping with several conditions as any of them', () => {
    expect(resolve({ maxMessages: 30, timeoutSeconds: 60 })).toEqual({
      any: [{ maxMessages: 30 }, { timeoutMs: 60_000 }],
    });
  });
});

describe('resolveTermination: invalid forms, one line each at the exact path', () => {
  it('names an unknown condition, the closest one, and every allowed one', () => {
    expect(resolve({ any: [{ maxRound: 5 }] })).toEqual([
      'teams.chat.termination.any[0].maxRound: unknown condition "maxRound" (did you mean "maxRounds"?); allowed: any, all, maxRounds, maxMessages, mention, maxTokens, maxCostUsd, timeoutSeconds, repetition',
    ]);
  });

  it('refuses counts that are not whole numbers above 0', () => {
    expect(resolve({ maxRounds: 0 })).toEqual([
      'teams.chat.termination.maxRounds: expected a whole number greater than 0',
    ]);
    expect(resolve({ maxMessages: 2.5 })).toEqual([
      'teams.chat.termination.maxMessages: expected a whole number greater than 0',
    ]);
    expect(resolve({ maxTokens: 'lots' })).toEqual([
      'teams.chat.termination.maxTokens: expected a whole number greater than 0',
    ]);
  });

  it('refuses a cost or timeout that is not a number above 0', () => {
    expect(resolve({ maxCostUsd: -1 })).toEqual([
      'teams.chat.termination.maxCostUsd: expected a number greater than 0',
    ]);
    expect(resolve({ timeoutSeconds: '10m' })).toEqual([
      'teams.chat.termination.timeoutSeconds: expected a number greater than 0',
    ]);
  });

  it('refuses an empty or non-list any/all', () => {
    const message =
      'expected a list of at least one condition, e.g. [{ maxRounds: 5 }, { mention: APPROVED }]';
    expect(resolve({ any: [] })).toEqual([`teams.chat.termination.any: ${message}`]);
    expect(resolve({ all: { maxRounds: 2 } })).toEqual([`teams.chat.termination.all: ${message}`]);
  });

  it('refuses a termination that is empty, or a list item that is not a mapping', () => {
    expect(resolve({})).toEqual([
      'teams.chat.termination: expected at least one condition; conditions: any, all, maxRounds, maxMessages, mention, maxTokens, maxCostUsd, timeoutSeconds, repetition',
    ]);
    expect(resolve({ all: ['maxRounds'] })).toEqual([
      'teams.chat.termination.all[0]: expected a condition such as { maxRounds: 5 }; conditions: any, all, maxRounds, maxMessages, mention, maxTokens, maxCostUsd, timeoutSeconds, repetition',
    ]);
  });

  it('refuses a malformed mention', () => {
    expect(resolve({ mention: '' })).toEqual([
      'teams.chat.termination.mention: expected a word such as APPROVED, or { text: TERMINATE, from: <agent id> }',
    ]);
    expect(resolve({ mention: { from: 'critic' } })).toEqual([
      'teams.chat.termination.mention.text: expected a non-empty word to look for, e.g. TERMINATE',
    ]);
    expect(resolve({ mention: { text: 'OK', by: 'critic' } })).toEqual([
      'teams.chat.termination.mention.by: unknown key "by"; allowed: text, from',
    ]);
  });

  it('refuses a mention from an agent outside the team, with the team agents', () => {
    expect(resolve({ mention: { text: 'OK', from: 'critc' } })).toEqual([
      'teams.chat.termination.mention.from: "critc" is not an agent of this team (did you mean "critic"?); its agents: planner, critic, summarizer',
    ]);
  });

  it('refuses bad repetition fields, every one of them', () => {
    expect(
      resolve({
        repetition: { threshold: 1.5, window: 0, action: 'halt', instruction: ' ', toolCallWindow: 'x' },
      }),
    ).toEqual([
      'teams.chat.termination.repetition.threshold: expected a similarity greater than 0 and at most 1, e.g. 0.9',
      'teams.chat.termination.repetition.window: expected a whole number greater than 0',
      'teams.chat.termination.repetition.toolCallWindow: expected a whole number greater than 0',
      'teams.chat.termination.repetition.action: expected stop or steer',
      'teams.chat.termination.repetition.instruction: expected a non-empty instruction for the repeating agent',
    ]);
    expect(resolve({ repetition: { treshold: 0.8 } })).toEqual([
      'teams.chat.termination.repetition.treshold: unknown key "treshold" (did you mean "threshold"?); allowed: threshold, window, action, instruction, toolCallWindow',
    ]);
    expect(resolve({ repetition: 'on' })).toEqual([
      'teams.chat.termination.repetition: expected a mapping of threshold, window, action, instruction, toolCallWindow (or {} for the defaults)',
    ]);
  });

  it('reports every problem of a tree at once', () => {
    expect(resolve({ any: [{ maxRounds: -1 }, { all: [] }, { mention: 'OK' }] })).toHaveLength(2);
  });
});

describe('termination in agentmesh.yaml', () => {
  async function configFrom(yaml: string) {
    const cwd = await mkdtemp(join(tmpdir(), 'agentmesh-termination-'));
    try {
      await writeFile(join(cwd, 'agentmesh.yaml'), yaml);
      const file = await loadConfigFile({ cwd, env: {} });
      return resolveConfig({ file, env: {}, cwd });
    } finally {
      await rm(cwd, { recursive: true, force: true });
    }
  }

  it('resolves a team termination, and built-in teams keep none', async () => {
    const config = await configFrom(
      'teams:\n  chat:\n    termination:\n      any:\n        - maxMessages: 7\n        - mention: { text: APPROVED, from: critic }\n',
    );
    expect(config.teams.chat?.termination).toEqual({
      any: [{ maxMessages: 7 }, { mention: { text: 'APPROVED', from: 'critic' } }],
    });
    expect(config.teams.selector?.termination).toBeNull();
  });

  it("checks a mention's agent against the team's agents", async () => {
    const error = await configFrom(
      'teams:\n  chat:\n    termination:\n      mention: { text: APPROVED, from: reviewer }\n',
    ).catch((thrown: unknown) => thrown);
    expect((error as ConfigError).code).toBe('unknown_agent');
    expect((error as ConfigError).formatIssues()).toEqual([
      'agentmesh.yaml:4: teams.chat.termination.mention.from: "reviewer" is not an agent of this team; its agents: planner, researcher, coder, critic, summarizer',
    ]);
  });

  it('reports a bad condition with its file line', async () => {
    const error = await configFrom(
      'teams:\n  chat:\n    termination:\n      any:\n        - maxMessages: 7\n        - timeout: 60\n',
    ).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).formatIssues()).toEqual([
      expect.stringMatching(
        /^agentmesh\.yaml:6: teams\.chat\.termination\.any\[1\]\.timeout: unknown condition "timeout"; allowed: any, all, /,
      ),
    ]);
  });
});
