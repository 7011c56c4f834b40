import { describe, expect, it } from 'vitest';
import { BUILTIN_ROLE_IDS, BUILTIN_ROLES } from './roles.js';
import { BUILTIN_TEAMS, DEFAULT_TEAM_ID } from './teams.js';

describe('built-in roles', () => {
  it('are the nine roles, each opening with "You are the <Role>" so simulators can detect it', () => {
    expect(Object.keys(BUILTIN_ROLES)).toEqual([...BUILTIN_ROLE_IDS]);
    expect(BUILTIN_ROLE_IDS).toHaveLength(9);
    for (const [id, role] of Object.entries(BUILTIN_ROLES)) {
      const title = `${id[0]?.toUpperCase()}${id.slice(1)}`;
      expect(role.systemPrompt.startsWith(`You are the ${title} in a team of specialised agents.`)).toBe(
        true,
      );
      expect(role).toMatchObject({ id, role: id, promptVersion: 1 });
      expect(role.temperature).toBeGreaterThanOrEqual(0);
      expect(role.temperature).toBeLessThanOrEqual(2);
      expect(role.maxTokens).toBeGreaterThanOrEqual(800);
    }
  });

  it('tell every agent to answer the task and not to discuss errors', () => {
    for (const role of Object.values(BUILTIN_ROLES)) {
      expect(role.systemPrompt).toContain('outputs of the agents before you');
      expect(role.systemPrompt).toContain('never discuss errors');
    }
  });

  it('ask the critic for APPROVED on the first line or numbered issues', () => {
    const prompt = BUILTIN_ROLES.critic?.systemPrompt ?? '';
    expect(prompt).toContain('single word APPROVED on the first line');
    expect(prompt).toContain('numbered issues');
  });

  it('ask the coder for fenced blocks with a language and a "# file: <path>" first line', () => {
    const prompt = BUILTIN_ROLES.coder?.systemPrompt ?? '';
    expect(prompt).toContain('fenced blocks with a language tag');
    expect(prompt).toContain('`# file: <path>`');
  });
});

describe('built-in teams', () => {
  it('are one per pattern, the pipeline the default, all made of built-in roles', () => {
    expect(DEFAULT_TEAM_ID).toBe('pipeline');
    expect(Object.keys(BUILTIN_TEAMS)).toEqual([
      'pipeline',
      'parallel',
      'chat',
      'selector',
      'review-loop',
      'handshake',
      'hierarchical',
      'code',
    ]);
    for (const team of Object.values(BUILTIN_TEAMS)) {
      expect(team.agents.every((agent) => BUILTIN_ROLES[agent] !== undefined)).toBe(true);
    }
    expect(BUILTIN_TEAMS.chat).toMatchObject({
      approver: 'critic',
      approvalKeyword: 'APPROVED',
      maxRounds: 3,
    });
    expect(BUILTIN_TEAMS.code).toMatchObject({
      pattern: 'code',
      agents: ['architect', 'coder', 'tester', 'debugger', 'documenter', 'critic'],
      maxIterations: 3,
    });
  });
});
