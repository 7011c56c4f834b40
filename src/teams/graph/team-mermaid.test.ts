import { describe, expect, it } from 'vitest';
import { BUILTIN_TEAMS, teamDefaults } from '../../config/defaults/teams.js';
import type { TeamConfig } from '../../config/resolved-config.js';
import { teamMermaid } from './team-mermaid.js';

const node = (id: string, agent: string, extra: { maxVisits?: number; approval?: boolean } = {}) => ({
  id,
  agent,
  maxVisits: extra.maxVisits ?? null,
  approval: extra.approval ?? false,
  concurrency: null,
  timeoutMs: null,
  retries: null,
});

const reviewGraph: TeamConfig = {
  ...teamDefaults('build', 'graph', ['coder', 'critic', 'debugger', 'documenter']),
  graph: {
    nodes: {
      code: node('code', 'coder'),
      review: node('review', 'critic'),
      fix: node('fix', 'debugger', { maxVisits: 3 }),
      docs: node('docs', 'documenter', { approval: true }),
    },
    edges: [
      { from: 'code', to: 'review', when: null },
      { from: 'review', to: 'fix', when: 'not contains(\'APPROVED\') and visits("fix") < 3' },
      { from: 'fix', to: 'review', when: null },
      { from: 'review', to: 'docs', when: "contains('APPROVED')" },
    ],
    start: [],
  },
};

describe('teamMermaid', () => {
  it('draws a graph team: node (agent) with limits, conditions on edges, the loop edge dotted', () => {
    expect(teamMermaid(reviewGraph)).toBe(
      [
        'flowchart TD',
        '    n0["code (coder)"]',
        '    n1["review (critic)"]',
        '    n2["fix (debugger), at most 3 visits"]',
        '    n3["docs (documenter), needs approval"]',
        '    n0 --> n1',
        `    n1 -->|"not contains('APPROVED') and visits(#quot;fix#quot;) #lt; 3"| n2`,
        '    n2 -.-> n1',
        `    n1 -->|"contains('APPROVED')"| n3`,
        '',
      ].join('\n'),
    );
  });

  it('draws the built-in parallel team as a fan-out and a fan-in', () => {
    expect(teamMermaid(BUILTIN_TEAMS.parallel!)).toBe(
      [
        'flowchart TD',
        '    n0["planner"]',
        '    n1["researcher"]',
        '    n2["coder"]',
        '    n3["critic"]',
        '    n4["summarizer"]',
        '    n0 --> n1',
        '    n0 --> n2',
        '    n0 --> n3',
        '    n1 --> n4',
        '    n2 --> n4',
        '    n3 --> n4',
        '',
      ].join('\n'),
    );
  });

  it('draws the built-in review loop with its loop edge and its end', () => {
    expect(teamMermaid(BUILTIN_TEAMS['review-loop']!)).toBe(
      [
        'flowchart TD',
        '    n0["coder"]',
        '    n1["critic"]',
        '    n2["debugger"]',
        '    n3(["done"])',
        '    n0 --> n1',
        '    n1 -->|"issues"| n2',
        '    n2 -.->|"review again, at most 3 fixes"| n1',
        '    n1 -->|"APPROVED"| n3',
        '',
      ].join('\n'),
    );
  });

  it('draws every built-in team as a flowchart whose edges join declared boxes', () => {
    for (const team of Object.values(BUILTIN_TEAMS)) {
      const lines = teamMermaid(team).trimEnd().split('\n');
      expect(lines[0]).toBe('flowchart TD');
      const boxes = new Set(lines.flatMap((line) => /^ {4}(n\d+)[[({]/.exec(line)?.[1] ?? []));
      const arrows = lines.filter((line) => line.includes('->'));
      expect(arrows.length, team.id).toBeGreaterThan(0);
      for (const arrow of arrows) {
        const [, from, to] = /^ {4}(n\d+) -\.?->(?:\|"[^"]*"\|)? (n\d+)$/.exec(arrow) ?? [];
        expect(boxes.has(from!) && boxes.has(to!), `${team.id}: ${arrow}`).toBe(true);
      }
    }
  });

  it('shows a chat as a round with its limit, a hierarchy as split and synthesis, the code team with its runner', () => {
    expect(teamMermaid(BUILTIN_TEAMS.chat!)).toContain(
      '    n4 -.->|"next round until critic says APPROVED, at most 3 rounds"| n0',
    );
    const hierarchical = teamMermaid(BUILTIN_TEAMS.hierarchical!);
    expect(hierarchical).toContain('    n0["planner (splits the task, at most 8 subtasks)"]');
    expect(hierarchical).toContain('    n6["planner (synthesises)"]');
    expect(hierarchical).toContain('    n0 -->|"subtask"| n1');
    const code = teamMermaid(BUILTIN_TEAMS.code!);
    expect(code).toContain('    n3[["runner: tests in the sandbox"]]');
    expect(code).toContain('    n4 -.->|"run again, at most 3 runs"| n3');
    expect(teamMermaid(BUILTIN_TEAMS.selector!)).toContain('    n3 -->|"APPROVED"| n5');
    expect(teamMermaid(BUILTIN_TEAMS.handshake!)).toContain(
      '    n1 -.->|"issues: propose again, at most 3 times"| n0',
    );
  });
});
