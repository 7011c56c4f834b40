import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config-error.js';
import { parseConfigText } from '../load-config.js';
import { resolveConfig } from '../resolve-config.js';
import type { ResolvedConfig } from '../resolved-config.js';

const BUILD = `teams:
  build:
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

function resolve(yaml: string): ResolvedConfig {
  const file = parseConfigText({ text: yaml, path: '/project/agentmesh.yaml', cwd: '/project', env: {} });
  return resolveConfig({ file, env: {}, cwd: '/project' });
}

/** Every problem of a config that does not resolve, one line each. */
function problemsOf(yaml: string): string[] {
  try {
    resolve(yaml);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).formatIssues();
  }
  throw new Error('expected the config to be rejected');
}

describe('resolveGraph', () => {
  it('resolves a graph team: pattern inferred from nodes, agents from the nodes, conditions kept as text', () => {
    const team = resolve(BUILD.replace('    start: plan\n', '')).teams.build!;
    expect(team.pattern).toBe('graph');
    expect(team.agents).toEqual(['planner', 'coder', 'critic', 'debugger', 'documenter']);
    expect(team.graph?.start).toEqual([]);
    expect(team.graph?.nodes.fix).toEqual({
      id: 'fix',
      agent: 'debugger',
      maxVisits: 3,
      approval: false,
      concurrency: null,
      timeoutMs: null,
      retries: null,
    });
    expect(team.graph?.edges[2]).toEqual({ from: 'review', to: 'fix', when: "not contains('APPROVED')" });
  });

  it('names the node whose agent is unknown, at its line, with a suggestion', () => {
    expect(problemsOf(BUILD.replace('agent: debugger', 'agent: debuger'))).toEqual([
      expect.stringMatching(
        /^agentmesh\.yaml:8: teams\.build\.nodes\.fix\.agent: unknown agent "debuger" \(did you mean "debugger"\?\)/,
      ),
    ]);
  });

  it('names an edge to a missing node, with a suggestion', () => {
    expect(problemsOf(BUILD.replace('{ from: code, to: review }', '{ from: code, to: rewiew }'))).toEqual([
      "agentmesh.yaml:12: teams.build.edges[1].to: edge to missing node 'rewiew' (did you mean 'review'?); nodes: plan, code, review, fix, docs",
    ]);
  });

  it('names a cycle without a limit', () => {
    expect(problemsOf(BUILD.replace(', maxVisits: 3', ''))).toEqual([
      'agentmesh.yaml:14: teams.build.edges[3]: cycle review → fix → review has no limit; set maxVisits on one of its nodes',
    ]);
  });

  it('accepts a cycle bounded on any one of its nodes', () => {
    const bounded = BUILD.replace(', maxVisits: 3', '').replace(
      '{ agent: critic }',
      '{ agent: critic, maxVisits: 4 }',
    );
    expect(resolve(bounded).teams.build?.graph?.nodes.review?.maxVisits).toBe(4);
  });

  it('rejects a condition that does not parse, naming the column', () => {
    expect(
      problemsOf(BUILD.replace(`when: "contains('APPROVED')"`, `when: "contains('APPROVED'))"`)),
    ).toEqual([
      `agentmesh.yaml:15: teams.build.edges[4].when: unexpected ')' at column 21: "contains('APPROVED'))" <-- here; this ')' has no matching '('`,
    ]);
  });

  it('rejects visits() of a missing node', () => {
    const yaml = BUILD.replace(`"not contains('APPROVED')"`, `"visits('fixx') < 3"`);
    expect(problemsOf(yaml)).toEqual([
      "agentmesh.yaml:13: teams.build.edges[2].when: visits() names missing node 'fixx' at column 8 (did you mean 'fix'?); nodes: plan, code, review, fix, docs",
    ]);
  });

  it('rejects unreachable nodes and a graph with no node to start from', () => {
    const unreachable = BUILD.replace(
      '      docs:   { agent: documenter }\n',
      '      docs:   { agent: documenter }\n      lost:   { agent: researcher }\n',
    );
    expect(problemsOf(unreachable)).toEqual([
      "agentmesh.yaml:10: teams.build.nodes.lost: node 'lost' cannot be reached from the start node (plan); add an edge to it or remove it",
    ]);
    const circular = `teams:
  ring:
    nodes: { a: { agent: coder, maxVisits: 2 }, b: { agent: critic } }
    edges: [{ from: a, to: b }, { from: b, to: a }]
`;
    expect(problemsOf(circular)).toEqual([
      'agentmesh.yaml:2: teams.ring.start: every node has an incoming edge, so none runs first; set start: to the node that does, e.g. start: a',
    ]);
  });

  it('rejects a start that is not a node, and a start node fed by a forward edge', () => {
    expect(problemsOf(BUILD.replace('start: plan', 'start: plam'))).toEqual([
      "agentmesh.yaml:3: teams.build.start: start names missing node 'plam' (did you mean 'plan'?); nodes: plan, code, review, fix, docs",
    ]);
    expect(problemsOf(BUILD.replace('start: plan', 'start: [plan, code]'))).toEqual([
      "agentmesh.yaml:11: teams.build.edges[0]: start node 'code' has an incoming edge from 'plan' that is not a loop back to it; remove 'code' from start: or remove this edge",
    ]);
  });

  it('rejects an edge from outside a loop into its middle', () => {
    const yaml = BUILD.replace(
      '      - { from: fix, to: review }\n',
      '      - { from: fix, to: review }\n      - { from: plan, to: fix }\n',
    );
    expect(problemsOf(yaml)).toEqual([
      expect.stringMatching(
        /^agentmesh\.yaml:15: teams\.build\.edges\[4\]: edge from 'plan' enters the loop review, fix at 'fix', which also waits for input from inside the loop; let edges from outside enter a loop at its first node, 'review'$/,
      ),
    ]);
  });

  it('asks for nodes when pattern graph is given agents instead', () => {
    expect(problemsOf('teams:\n  g:\n    pattern: graph\n    agents: [coder]\n')).toEqual([
      'agentmesh.yaml:2: teams.g.nodes: pattern graph needs nodes: { <node>: { agent: <agent id> } } and edges: [{ from, to, when }]',
    ]);
  });
});
