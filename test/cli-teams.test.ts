import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, type SimProcess, startSimProcess, tempDir } from './support/cli.js';

const BUILD = `teams:
  build:
    description: Plan, code, review until approved, then document.
    start: plan
    nodes:
      plan:   { agent: planner }
      code:   { agent: coder }
      review: { agent: critic }
      fix:    { agent: debugger, maxVisits: 3 }
      docs:   { agent: documenter }
    edges:
      - { from: plan, to: code }
      - { from: code, to: review }
      - { from: review, to: fix, when: "not contains('APPROVED')" }
      - { from: fix, to: review }
      - { from: review, to: docs, when: "contains('APPROVED')" }
`;

const BUILD_MERMAID = `flowchart TD
    n0["plan (planner)"]
    n1["code (coder)"]
    n2["review (critic)"]
    n3["fix (debugger), at most 3 visits"]
    n4["docs (documenter)"]
    n0 --> n1
    n1 --> n2
    n2 -->|"not contains('APPROVED')"| n3
    n3 -.-> n2
    n2 -->|"contains('APPROVED')"| n4
`;

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir();
  await writeFile(join(dir.path, 'agentmesh.yaml'), BUILD);
});
afterAll(async () => {
  await dir.remove();
});

describe('agentmesh teams', () => {
  it('lists every team with its pattern, agents or nodes, and description', async () => {
    const result = await runCli(['teams', 'list'], { cwd: dir.path });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NAME +PATTERN +AGENTS \/ NODES +DESCRIPTION$/);
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^build +graph +nodes: plan, code, review, fix, docs +Plan, code, review until approved, then document\.$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^parallel +parallel +planner, \[researcher, coder, critic\], summarizer +The planner/,
      ),
    );
    expect(lines).toContainEqual(expect.stringMatching(/^pipeline \(default\) +pipeline /));

    const json = await runCli(['teams', 'list', '--json'], { cwd: dir.path });
    expect(json.code).toBe(0);
    const teams = JSON.parse(json.stdout);
    expect(teams.map((team: { name: string }) => team.name)).toEqual([
      'pipeline',
      'parallel',
      'chat',
      'selector',
      'review-loop',
      'handshake',
      'hierarchical',
      'code',
      'build',
    ]);
    expect(teams.at(-1)).toEqual({
      name: 'build',
      pattern: 'graph',
      agents: ['planner', 'coder', 'critic', 'debugger', 'documenter'],
      nodes: ['plan', 'code', 'review', 'fix', 'docs'],
      description: 'Plan, code, review until approved, then document.',
      default: false,
    });
  });

  it('shows a team: pattern, agents with models, limits and shape', async () => {
    const result = await runCli(['teams', 'show', 'build'], { cwd: dir.path });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toContain(
      'build (graph)\nPlan, code, review until approved, then document.\n\nAgents\n',
    );
    expect(result.stdout).toMatch(/^ {2}debugger +\S+:\S+/m);
    expect(result.stdout).toContain('Limits\n  concurrency: ');
    expect(result.stdout).toContain('  node fix: at most 3 visits\n');
    expect(result.stdout).toContain(
      "Shape\n  plan (planner) → code (coder)\n  code (coder) → review (critic)\n  review (critic) → fix (debugger), at most 3 visits  [not contains('APPROVED')]\n",
    );
    expect(result.stdout).toContain('  fix (debugger), at most 3 visits → review (critic)  (loops back)\n');
  });

  it('prints only the Mermaid flowchart with --mermaid, for a graph and a built-in team', async () => {
    const graph = await runCli(['teams', 'show', 'build', '--mermaid'], { cwd: dir.path });
    expect(graph).toEqual({ code: 0, stdout: BUILD_MERMAID, stderr: '' });
    const loop = await runCli(['teams', 'show', 'review-loop', '--mermaid'], { cwd: dir.path });
    expect(loop.code).toBe(0);
    expect(loop.stdout).toBe(
      'flowchart TD\n    n0["coder"]\n    n1["critic"]\n    n2["debugger"]\n    n3(["done"])\n    n0 --> n1\n' +
        '    n1 -->|"issues"| n2\n    n2 -.->|"review again, at most 3 fixes"| n1\n    n1 -->|"APPROVED"| n3\n',
    );
  });

  it('shows a team as JSON with its graph, shape and Mermaid', async () => {
    const result = await runCli(['teams', 'show', 'build', '--json'], { cwd: dir.path });
    expect(result.code).toBe(0);
    const shown = JSON.parse(result.stdout);
    expect(shown).toMatchObject({
      name: 'build',
      pattern: 'graph',
      mermaid: BUILD_MERMAID,
      termination: null,
    });
    expect(shown.agents[0]).toEqual({ id: 'planner', model: expect.any(String), fallbackModels: [] });
    expect(shown.graph.edges[2]).toEqual({ from: 'review', to: 'fix', when: "not contains('APPROVED')" });
    expect(shown.shape.edges).toHaveLength(5);
  });

  it('refuses an unknown team with exit 2 and one line with a suggestion', async () => {
    const result = await runCli(['teams', 'show', 'biuld'], { cwd: dir.path });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trimEnd().split('\n')).toEqual([
      expect.stringMatching(
        /^agentmesh: Unknown team "biuld" \(did you mean "build"\?\); available teams: .*build/,
      ),
    ]);
  });
});

describe('agentmesh run with a graph team', () => {
  let sim: SimProcess;
  beforeAll(async () => {
    sim = await startSimProcess(['--seed', '3']);
  });
  afterAll(async () => {
    await sim.stop();
  });

  it('runs the review loop to the documenter and stores the run', async () => {
    const result = await runCli(
      [
        'run',
        'Write a function that removes duplicate tags',
        '--team',
        'build',
        '--json',
        '--base-url',
        sim.url,
        '--model',
        'sim-model',
      ],
      { cwd: dir.path },
    );
    expect(result.code).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ status: 'succeeded', stopReason: 'completed', team: 'build' });
    const show = await runCli(['runs', 'show', output.runId, '--json'], { cwd: dir.path });
    const steps = JSON.parse(show.stdout).steps.map((step: { stepId: string }) => step.stepId);
    expect(steps).toEqual(['plan#1', 'code#1', 'review#1', 'fix#1', 'review#2', 'docs#1']);
  });

  describe('bad graph input: exit 2, one line, no store', () => {
    const cases: [string, string, RegExp][] = [
      [
        'an unknown agent in a node',
        BUILD.replace('agent: debugger', 'agent: debuger'),
        /^agentmesh: agentmesh\.yaml:9: teams\.build\.nodes\.fix\.agent: unknown agent "debuger" \(did you mean "debugger"\?\)/,
      ],
      [
        'an edge to a missing node',
        BUILD.replace('{ from: code, to: review }', '{ from: code, to: rewiew }'),
        /^agentmesh: agentmesh\.yaml:13: teams\.build\.edges\[1\]\.to: edge to missing node 'rewiew' \(did you mean 'review'\?\)/,
      ],
      [
        'a cycle without a limit',
        BUILD.replace(', maxVisits: 3', ''),
        /^agentmesh: agentmesh\.yaml:15: teams\.build\.edges\[3\]: cycle review → fix → review has no limit; set maxVisits on one of its nodes$/,
      ],
      [
        'a condition that does not parse',
        BUILD.replace(`"not contains('APPROVED')"`, `"not contains('APPROVED'"`),
        /^agentmesh: agentmesh\.yaml:14: teams\.build\.edges\[2\]\.when: unexpected end of the condition at column 24: "not contains\('APPROVED'" <-- here; expected ',' or '\)' in contains\(…\)$/,
      ],
    ];
    it.each(cases)('%s', async (_name, yaml, expected) => {
      const bad = await tempDir();
      try {
        await writeFile(join(bad.path, 'agentmesh.yaml'), yaml);
        const result = await runCli(
          ['run', 'Write a function', '--team', 'build', '--base-url', sim.url, '--model', 'sim-model'],
          { cwd: bad.path },
        );
        expect(result.code).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(expected)]);
        expect(existsSync(join(bad.path, '.agentmesh'))).toBe(false);
        const list = await runCli(['teams', 'list'], { cwd: bad.path });
        expect(list.code).toBe(2);
        expect(list.stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(expected)]);
      } finally {
        await bad.remove();
      }
    });
  });
});
