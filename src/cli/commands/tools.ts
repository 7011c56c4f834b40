import { closestMatch } from '../../config/closest-match.js';
import { BUILTIN_TOOL_NAMES } from '../../config/defaults/settings.js';
import { resolveTeam } from '../../config/resolve-config.js';
import type { AgentConfig, ResolvedConfig } from '../../config/resolved-config.js';
import { AgentMeshError, toAgentMeshError } from '../../errors/index.js';
import {
  mcpServersUsed,
  parseToolRef,
  resolveAgentTools,
  type ToolSources,
} from '../../runtime/resolve-agent-tools.js';
import { createBuiltinTools } from '../../tools/builtin/builtin-tools.js';
import { connectMcpServer, type McpConnection } from '../../tools/mcp/connect-mcp-server.js';
import type { ToolDefinition } from '../../tools/tool.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

/** Flags of `agentmesh tools list`. */
export interface ToolsListFlags {
  agent?: string;
  team?: string;
  config?: string;
  json?: boolean;
}

/** One tool an agent can see, as `tools list` prints it; `error` says why an MCP server's tools are missing. */
export interface ToolRow {
  agent: string;
  name: string;
  /** `builtin`, `mcp:<server>` or `custom`. */
  source: string;
  /** null: not known here (a custom tool, or a server that did not start). */
  sideEffects: boolean | null;
  needsApproval: boolean | null;
  description: string;
  error?: { code: string; message: string };
}

/**
 * `agentmesh tools list [--agent ID] [--team NAME] [--json]`: every tool each agent can see, where it comes
 * from, whether it changes things and needs approval. MCP servers are started to list their tools; one
 * that fails gets a line saying why and the exit code is 1. Config problems exit 2.
 */
export async function toolsListCommand(flags: ToolsListFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig({ ...(flags.config && { config: flags.config }) }, io);
  const agents = selectAgents(config, flags);
  const rows = await listTools(config, agents, io.signal);
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify(rows));
  } else if (rows.length === 0) {
    const who = flags.agent
      ? `Agent "${flags.agent}" has`
      : flags.team
        ? `No agent of team "${flags.team}" has`
        : 'No agent has';
    writeLine(
      io.stderr,
      `${who} tools; give an agent some under agents.<id>.tools in agentmesh.yaml (see docs/tools.md).`,
    );
  } else {
    writeTable(rows, io);
  }
  const failed = rows.filter((row) => row.error !== undefined);
  if (failed.length === 0) return EXIT.ok;
  if (!flags.json) {
    const servers = [...new Set(failed.map((row) => row.source))];
    writeLine(
      io.stderr,
      `agentmesh: ${servers.length} MCP server${servers.length === 1 ? '' : 's'} could not be listed: ${servers.join(', ')}`,
    );
  }
  return EXIT.failed;
}

/** The agents to list: the one named, the team's, or every agent that has tools. */
function selectAgents(config: ResolvedConfig, { agent, team }: ToolsListFlags): AgentConfig[] {
  const members = team === undefined ? null : resolveTeam(config, team).agents;
  if (agent !== undefined) {
    const found = config.agents[agent];
    if (!found) {
      const guess = closestMatch(agent, Object.keys(config.agents));
      throw new AgentMeshError({
        code: 'unknown_agent',
        message: `No agent "${agent}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; configured: ${Object.keys(config.agents).join(', ')}.`,
        context: { agentId: agent },
      });
    }
    if (members !== null && !members.includes(agent)) {
      throw new AgentMeshError({
        code: 'usage',
        message: `Agent "${agent}" is not in team "${team}" (its agents: ${members.join(', ')}); drop --team or pick one of them.`,
        context: { agentId: agent, team },
      });
    }
    return [found];
  }
  const ids = members ?? Object.keys(config.agents);
  return ids
    .map((id) => config.agents[id])
    .filter((found): found is AgentConfig => (found?.tools.length ?? 0) > 0);
}

/** Resolves every agent's tools as a run would, with MCP servers that fail left out and reported per entry. */
async function listTools(
  config: ResolvedConfig,
  agents: AgentConfig[],
  signal: AbortSignal,
): Promise<ToolRow[]> {
  const servers = mcpServersUsed(agents);
  const settled = await Promise.allSettled(
    servers.map((id) =>
      connectMcpServer(config.tools.mcp[id]!, { defaultTimeoutMs: config.tools.timeoutMs, signal }),
    ),
  );
  const connections: McpConnection[] = [];
  const failures = new Map<string, AgentMeshError>();
  settled.forEach((outcome, index) => {
    if (outcome.status === 'fulfilled') connections.push(outcome.value);
    else failures.set(servers[index]!, toAgentMeshError(outcome.reason));
  });
  const builtins = createBuiltinTools({ config });
  try {
    const sources: ToolSources = {
      builtin: (name) => builtins.get(name),
      custom: libraryToolStandIns(agents),
      mcp: new Map(connections.map((connection) => [connection.id, connection])),
    };
    return agents.flatMap((agent) => agentRows(agent, sources, config, failures));
  } finally {
    await Promise.allSettled([...connections.map((connection) => connection.close()), builtins.close()]);
  }
}

function agentRows(
  agent: AgentConfig,
  sources: ToolSources,
  config: ResolvedConfig,
  failures: ReadonlyMap<string, AgentMeshError>,
): ToolRow[] {
  const unavailable = (entry: string) => {
    const ref = parseToolRef(entry);
    return ref.kind === 'mcp' && failures.has(ref.server) ? ref.server : null;
  };
  const usable = { ...agent, tools: agent.tools.filter((entry) => unavailable(entry) === null) };
  const rows: ToolRow[] = resolveAgentTools(usable, sources, config.tools).map((tool) => ({
    agent: agent.id,
    name: tool.name,
    source: tool.source ?? 'custom',
    sideEffects: tool.source === 'custom' ? null : tool.sideEffects === true,
    needsApproval: tool.needsApproval === true,
    description: tool.description,
  }));
  for (const entry of agent.tools) {
    const server = unavailable(entry);
    if (server === null) continue;
    const error = failures.get(server)!;
    rows.push({
      agent: agent.id,
      name: entry,
      source: `mcp:${server}`,
      sideEffects: null,
      needsApproval: null,
      description: `unavailable: ${error.message}`,
      error: { code: error.code, message: error.message },
    });
  }
  return rows;
}

/**
 * Tools given through the library API exist only in the program that runs the team; here each such name
 * stands for itself, with a hint for a name that looks like a typo of a built-in.
 */
function libraryToolStandIns(agents: readonly AgentConfig[]): Map<string, ToolDefinition> {
  const standIns = new Map<string, ToolDefinition>();
  for (const name of agents.flatMap((agent) => agent.tools)) {
    if (parseToolRef(name).kind !== 'custom' || standIns.has(name)) continue;
    const guess = closestMatch(name, BUILTIN_TOOL_NAMES);
    standIns.set(name, {
      name,
      description: `not built in: the program must pass it to runTask({ tools })${guess === null ? '' : ` (or did you mean "${guess}"?)`}`,
      parameters: { type: 'object' },
      source: 'custom',
      execute: async () => {
        throw new Error(`${name} is only listed here`);
      },
    });
  }
  return standIns;
}

function writeTable(rows: readonly ToolRow[], io: CliIo): void {
  const flag = (value: boolean | null, yes: string) => (value === null ? '?' : value ? yes : '-');
  const table = [
    ['AGENT', 'TOOL', 'SOURCE', 'SIDE EFFECTS', 'APPROVAL', 'DESCRIPTION'],
    ...rows.map((row) => [
      row.agent,
      row.name,
      row.source,
      flag(row.sideEffects, 'yes'),
      flag(row.needsApproval, 'needed'),
      // A server's failure is the one thing to read in full.
      row.error === undefined ? clip(row.description, 90) : row.description,
    ]),
  ];
  const widths = [0, 1, 2, 3, 4].map((column) => Math.max(...table.map((cells) => cells[column]!.length)));
  for (const cells of table) {
    writeLine(
      io.stdout,
      cells.map((cell, column) => (column < 5 ? cell.padEnd(widths[column]!) : cell)).join('  '),
    );
  }
}

/** The first line of a text, clipped: descriptions of MCP tools can run to paragraphs. */
function clip(text: string, max: number): string {
  const line = (text.split('\n').find((part) => part.trim() !== '') ?? '').replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
