import { resolveTeam } from '../../config/resolve-config.js';
import type { ResolvedConfig, TeamConfig, TerminationConfig } from '../../config/resolved-config.js';
import { teamMermaid } from '../../teams/graph/team-mermaid.js';
import { teamShape } from '../../teams/graph/team-shape.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

interface TeamsFlags {
  config?: string;
  json?: boolean;
}

/** `agentmesh teams list`: every configured team with its pattern, agents (or nodes) and description. */
export async function teamsListCommand(flags: TeamsFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig({ ...(flags.config && { config: flags.config }) }, io);
  const teams = Object.values(config.teams);
  if (flags.json) {
    const rows = teams.map((team) => ({
      name: team.id,
      pattern: team.pattern,
      agents: team.agents,
      nodes: team.graph ? Object.keys(team.graph.nodes) : null,
      description: team.description,
      default: team.id === config.defaultTeam,
    }));
    writeLine(io.stdout, JSON.stringify(rows));
    return EXIT.ok;
  }
  const rows = [
    ['NAME', 'PATTERN', 'AGENTS / NODES', 'DESCRIPTION'],
    ...teams.map((team) => [
      team.id === config.defaultTeam ? `${team.id} (default)` : team.id,
      team.pattern,
      clip(membersOf(team), 48),
      clip(team.description || '-', 70),
    ]),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  for (const row of rows) {
    writeLine(
      io.stdout,
      row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column]!) : cell)).join('  '),
    );
  }
  return EXIT.ok;
}

/**
 * `agentmesh teams show NAME`: the team's pattern, agents with their models, limits, termination and
 * shape; `--mermaid` prints only its Mermaid flowchart, `--json` all of it as one object.
 */
export async function teamsShowCommand(
  name: string,
  flags: TeamsFlags & { mermaid?: boolean },
  io: CliIo,
): Promise<number> {
  const config = await resolveCliConfig({ ...(flags.config && { config: flags.config }) }, io);
  const team = resolveTeam(config, name);
  if (flags.mermaid) {
    io.stdout.write(teamMermaid(team));
    return EXIT.ok;
  }
  const agents = team.agents.map((id) => {
    const agent = config.agents[id];
    return { id, model: agent?.model ?? null, fallbackModels: agent?.fallbackModels ?? [] };
  });
  const limits = limitsOf(team, config);
  if (flags.json) {
    writeLine(
      io.stdout,
      JSON.stringify({
        name: team.id,
        pattern: team.pattern,
        description: team.description,
        agents,
        limits: Object.fromEntries(limits),
        approval: team.approval,
        termination: team.termination,
        graph: team.graph,
        shape: teamShape(team),
        mermaid: teamMermaid(team),
      }),
    );
    return EXIT.ok;
  }
  const out = (line = '') => writeLine(io.stdout, line);
  out(`${team.id} (${team.pattern})${team.id === config.defaultTeam ? ', the default team' : ''}`);
  if (team.description) out(team.description);
  out();
  out('Agents');
  const width = Math.max(...agents.map((agent) => agent.id.length));
  for (const agent of agents) {
    const fallbacks = agent.fallbackModels.length > 0 ? ` (then ${agent.fallbackModels.join(', ')})` : '';
    out(`  ${agent.id.padEnd(width)}  ${agent.model ?? 'not configured'}${fallbacks}`);
  }
  out();
  out('Limits');
  for (const [key, value] of limits) out(`  ${key}: ${value}`);
  if (team.approval.length > 0) out(`  approval: ${team.approval.join(', ')}`);
  if (team.termination) {
    out();
    out('Termination');
    out(`  ${describeTermination(team.termination)}`);
  }
  out();
  out('Shape');
  const { nodes, edges } = teamShape(team);
  const label = (id: string) => nodes.find((node) => node.id === id)?.label ?? id;
  for (const edge of edges) {
    const note = edge.label === null ? '' : `  [${edge.label}]`;
    out(`  ${label(edge.from)} → ${label(edge.to)}${note}${edge.loop ? '  (loops back)' : ''}`);
  }
  out();
  out(`As a Mermaid flowchart: agentmesh teams show ${team.id} --mermaid`);
  return EXIT.ok;
}

/** Agents, or a graph's nodes; a parallel stage of several agents in brackets. */
function membersOf(team: TeamConfig): string {
  if (team.graph) return `nodes: ${Object.keys(team.graph.nodes).join(', ')}`;
  if (team.pattern === 'parallel') {
    return team.stages.map((stage) => (stage.length === 1 ? stage[0] : `[${stage.join(', ')}]`)).join(', ');
  }
  return team.agents.join(', ');
}

/** The limits that bound a run of this team, as label → value. */
function limitsOf(team: TeamConfig, config: ResolvedConfig): [string, string | number][] {
  const limits: [string, string | number][] = [];
  const concurrency = team.concurrency ?? config.limits.concurrency.run;
  limits.push([
    'concurrency',
    `${concurrency} steps at once${team.concurrency === null ? ' (limits.concurrency.run)' : ''}`,
  ]);
  if (['chat', 'roundrobin', 'selector'].includes(team.pattern)) {
    limits.push([team.pattern === 'selector' ? 'maxRounds (turns)' : 'maxRounds', team.maxRounds]);
    if (team.approver) limits.push(['ends when', `${team.approver} says ${team.approvalKeyword}`]);
  }
  if (['review-loop', 'handshake', 'code'].includes(team.pattern))
    limits.push(['maxIterations', team.maxIterations]);
  if (team.pattern === 'hierarchical') limits.push(['maxSubtasks', team.maxSubtasks]);
  for (const node of Object.values(team.graph?.nodes ?? {})) {
    const parts = [
      node.maxVisits === null ? null : `at most ${node.maxVisits} visits`,
      node.concurrency === null ? null : `${node.concurrency} at once`,
      node.timeoutMs === null ? null : `timeout ${node.timeoutMs} ms`,
      node.retries === null ? null : `${node.retries} retries`,
      node.approval ? 'needs approval' : null,
    ].filter((part) => part !== null);
    if (parts.length > 0) limits.push([`node ${node.id}`, parts.join(', ')]);
  }
  const step = config.limits.step;
  limits.push([
    'each step',
    `${step.timeoutMs === null ? 'no timeout' : `timeout ${step.timeoutMs} ms`}, ${step.retries} retries`,
  ]);
  if (config.limits.maxCostUsd !== null) limits.push(['maxCostUsd per run', config.limits.maxCostUsd]);
  if (config.limits.maxTokens !== null) limits.push(['maxTokens per run', config.limits.maxTokens]);
  return limits;
}

/** A termination condition in words. */
export function describeTermination(condition: TerminationConfig): string {
  if ('any' in condition) return `any of (${condition.any.map(describeTermination).join('; ')})`;
  if ('all' in condition) return `all of (${condition.all.map(describeTermination).join('; ')})`;
  if ('maxRounds' in condition) return `after ${condition.maxRounds} rounds`;
  if ('maxMessages' in condition) return `after ${condition.maxMessages} messages`;
  if ('mention' in condition) {
    return `when ${condition.mention.from ?? 'any agent'} says "${condition.mention.text}"`;
  }
  if ('maxTokens' in condition) return `after ${condition.maxTokens} tokens`;
  if ('maxCostUsd' in condition) return `after $${condition.maxCostUsd}`;
  if ('timeoutMs' in condition) return `after ${condition.timeoutMs} ms`;
  const { threshold, window, action } = condition.repetition;
  return `on repetition (similarity ${threshold} or more within ${window} messages: ${action})`;
}

function clip(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
