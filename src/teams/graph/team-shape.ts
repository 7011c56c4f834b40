import { analyseGraph } from '../../config/graph/graph-structure.js';
import type { TeamConfig } from '../../config/resolved-config.js';

/** A box in a team's picture: an agent's turn, a decision, a tool step, or the end. */
export interface ShapeNode {
  id: string;
  label: string;
  kind: 'agent' | 'rule' | 'tool' | 'end';
}

/** An arrow between two boxes; `loop` marks the arrow that goes round again (drawn dotted). */
export interface ShapeEdge {
  from: string;
  to: string;
  label: string | null;
  loop: boolean;
}

/** The shape of a team: who speaks after whom, with the conditions and limits on the way. */
export interface TeamShape {
  nodes: ShapeNode[];
  edges: ShapeEdge[];
}

/** The natural shape of a team of any pattern, e.g. a parallel team's fan-out and fan-in. */
export function teamShape(team: TeamConfig): TeamShape {
  const shape = new ShapeBuilder();
  switch (team.pattern) {
    case 'pipeline':
      shape.chain(team.agents.map((agent) => shape.node(agent)));
      break;
    case 'parallel':
      parallelShape(team, shape);
      break;
    case 'chat':
    case 'roundrobin': {
      const ids = team.agents.map((agent) => shape.node(agent));
      shape.chain(ids);
      const until = team.approver ? ` until ${team.approver} says ${team.approvalKeyword},` : ',';
      shape.edge(ids.at(-1)!, ids[0]!, `next round${until} at most ${team.maxRounds} rounds`, true);
      break;
    }
    case 'selector':
      selectorShape(team, shape);
      break;
    case 'review-loop': {
      const [coder = '?', reviewer = '?', fixer = '?'] = team.agents;
      const [write, review, fix] = [shape.node(coder), shape.node(reviewer), shape.node(fixer)];
      shape.edge(write, review);
      shape.edge(review, fix, 'issues');
      shape.edge(fix, review, `review again, at most ${team.maxIterations} fixes`, true);
      shape.edge(review, shape.node('done', 'end'), team.approvalKeyword);
      break;
    }
    case 'handshake': {
      const [proposer = '?', validator = '?', finalizer = '?'] = team.agents;
      const propose = shape.node(`${proposer} (proposes)`);
      const validate = shape.node(`${validator} (validates)`);
      shape.edge(propose, validate);
      shape.edge(validate, propose, `issues: propose again, at most ${team.maxIterations} times`, true);
      shape.edge(validate, shape.node(`${finalizer} (finalises)`), team.approvalKeyword);
      break;
    }
    case 'hierarchical': {
      const [manager = '?', ...workers] = team.agents;
      const plan = shape.node(`${manager} (splits the task, at most ${team.maxSubtasks} subtasks)`);
      const ids = workers.map((worker) => shape.node(worker));
      const synthesis = shape.node(`${manager} (synthesises)`);
      for (const id of ids) shape.edge(plan, id, 'subtask');
      for (const id of ids) shape.edge(id, synthesis);
      break;
    }
    case 'code':
      codeShape(team, shape);
      break;
    case 'graph':
      graphShape(team, shape);
      break;
  }
  return shape.build();
}

function parallelShape(team: TeamConfig, shape: ShapeBuilder): void {
  let previous: string[] = [];
  for (const stage of team.stages) {
    const ids = stage.map((agent) => shape.node(agent));
    for (const from of previous) for (const to of ids) shape.edge(from, to);
    previous = ids;
  }
}

function selectorShape(team: TeamConfig, shape: ShapeBuilder): void {
  const picker = team.selector?.agent ?? null;
  const limit = `at most ${team.maxRounds} turns`;
  const select = picker
    ? shape.node(`${picker} (picks the next speaker, ${limit})`)
    : shape.node(`rule: ${team.selector?.rule ?? 'capabilities'} (${limit})`, 'rule');
  const candidates = team.agents.filter((candidate) => candidate !== picker);
  const ids = candidates.map((agent) => shape.node(agent));
  for (const id of ids) shape.edge(select, id);
  for (const id of ids) shape.edge(id, select, null, true);
  const approver = candidates.indexOf(team.approver ?? '');
  if (approver >= 0) shape.edge(ids[approver]!, shape.node('done', 'end'), team.approvalKeyword);
}

function codeShape(team: TeamConfig, shape: ShapeBuilder): void {
  const [architect = '?', coder = '?', tester = '?', fixer = '?', documenter = '?', reviewer = '?'] =
    team.agents;
  const ids = [architect, coder, tester].map((agent) => shape.node(agent));
  const runner = shape.node('runner: tests in the sandbox', 'tool');
  shape.chain([...ids, runner]);
  const fix = shape.node(fixer);
  shape.edge(runner, fix, 'tests fail');
  shape.edge(fix, runner, `run again, at most ${team.maxIterations} runs`, true);
  const document = shape.node(documenter);
  shape.edge(runner, document, `tests pass, or after ${team.maxIterations} runs`);
  shape.edge(document, shape.node(reviewer));
}

function graphShape(team: TeamConfig, shape: ShapeBuilder): void {
  const graph = team.graph;
  if (!graph) return;
  const ids = new Map<string, string>();
  for (const node of Object.values(graph.nodes)) {
    const notes = [
      node.maxVisits === null ? null : `at most ${node.maxVisits} visit${node.maxVisits === 1 ? '' : 's'}`,
      node.approval || team.approval.includes(node.id) ? 'needs approval' : null,
    ].filter((note) => note !== null);
    ids.set(
      node.id,
      shape.node(`${node.id} (${node.agent})${notes.length > 0 ? `, ${notes.join(', ')}` : ''}`),
    );
  }
  const edgesKnown = graph.edges.every((edge) => ids.has(edge.from) && ids.has(edge.to));
  const back = edgesKnown ? analyseGraph(graph).edges.map((edge) => edge.back) : [];
  graph.edges.forEach((edge, index) => {
    const from = ids.get(edge.from);
    const to = ids.get(edge.to);
    if (from && to) shape.edge(from, to, edge.when, back[index] ?? false);
  });
}

/** Collects boxes (ids n0, n1, … in order, so no Mermaid keyword can clash) and arrows. */
class ShapeBuilder {
  private readonly nodes: ShapeNode[] = [];
  private readonly edges: ShapeEdge[] = [];

  node(label: string, kind: ShapeNode['kind'] = 'agent'): string {
    const id = `n${this.nodes.length}`;
    this.nodes.push({ id, label, kind });
    return id;
  }

  edge(from: string, to: string, label: string | null = null, loop = false): void {
    this.edges.push({ from, to, label, loop });
  }

  chain(ids: string[]): void {
    ids.slice(1).forEach((id, index) => {
      this.edge(ids[index]!, id);
    });
  }

  build(): TeamShape {
    return { nodes: this.nodes, edges: this.edges };
  }
}
