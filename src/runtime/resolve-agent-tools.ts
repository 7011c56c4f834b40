import { closestMatch } from '../config/closest-match.js';
import { BUILTIN_TOOL_NAMES } from '../config/defaults/settings.js';
import { isBuiltinToolName } from '../config/resolve-tools.js';
import type { AgentConfig, ToolsConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import { TOOL_NAME_PATTERN, type ToolDefinition } from '../tools/tool.js';

/** A built-in tool's name. */
export type BuiltinName = (typeof BUILTIN_TOOL_NAMES)[number];

/** One entry of `agents.<id>.tools`, parsed. */
export type ToolRef =
  | { kind: 'builtin'; name: BuiltinName }
  /** `mcp:<server>` (tool null: all of its tools) or `mcp:<server>/<tool>`. */
  | { kind: 'mcp'; server: string; tool: string | null }
  | { kind: 'custom'; name: string };

/** Where an agent's tools come from, once the run's MCP servers are connected. */
export interface ToolSources {
  builtin(name: BuiltinName): ToolDefinition;
  /** Tools given through the library API, by name. */
  custom: ReadonlyMap<string, ToolDefinition>;
  /** Each connected MCP server's tools, by server id. */
  mcp: ReadonlyMap<string, McpTools>;
}

/** A connected MCP server's tools (see `McpConnection`). */
export interface McpTools {
  /** Named `<server>__<tool>`. */
  readonly tools: readonly ToolDefinition[];
  /** Offered name → the server's own tool name, which `mcp:<server>/<tool>` uses. */
  readonly serverToolNames: ReadonlyMap<string, string>;
}

/** Parses a tool name as written in the config. */
export function parseToolRef(name: string): ToolRef {
  if (name.startsWith('mcp:')) {
    const [server = '', ...rest] = name.slice('mcp:'.length).split('/');
    return { kind: 'mcp', server, tool: rest.length === 0 ? null : rest.join('/') };
  }
  if (isBuiltinToolName(name)) return { kind: 'builtin', name };
  return { kind: 'custom', name };
}

/** The MCP servers the agents' tools come from, each once, in the order first named. */
export function mcpServersUsed(agents: readonly AgentConfig[]): string[] {
  const servers = new Set<string>();
  for (const agent of agents) {
    for (const name of agent.tools) {
      const ref = parseToolRef(name);
      if (ref.kind === 'mcp') servers.add(ref.server);
    }
  }
  return [...servers];
}

/**
 * Checks the tools given through the library API: valid provider names, none given twice, none named
 * like a built-in (which it would silently shadow, or be shadowed by).
 * @throws AgentMeshError `usage`
 */
export function indexCustomTools(tools: readonly ToolDefinition[]): Map<string, ToolDefinition> {
  const byName = new Map<string, ToolDefinition>();
  for (const tool of tools) {
    const problem = !TOOL_NAME_PATTERN.test(tool.name)
      ? 'may use only letters, digits, "_" and "-" (at most 64)'
      : isBuiltinToolName(tool.name)
        ? 'is the name of a built-in tool'
        : byName.has(tool.name)
          ? 'is given twice'
          : null;
    if (problem !== null) {
      throw new AgentMeshError({
        code: 'usage',
        message: `Custom tool "${tool.name}" ${problem}; rename it in the tools you pass to the run.`,
        context: { tool: tool.name },
      });
    }
    byName.set(tool.name, tool);
  }
  return byName;
}

/**
 * Fails on the names no source can have, before any MCP server is started: a name that is neither built
 * in nor among the custom tools. (`mcp:` names were checked against `tools.mcp` with the config.)
 * @throws AgentMeshError `config_invalid`, naming the agent, the tool, the closest match and what exists
 */
export function checkToolNames(
  agents: readonly AgentConfig[],
  customNames: readonly string[],
  mcpServers: readonly string[],
): void {
  for (const agent of agents) {
    for (const name of agent.tools) {
      const ref = parseToolRef(name);
      if (ref.kind !== 'custom' || customNames.includes(name)) continue;
      const known = [...BUILTIN_TOOL_NAMES, ...customNames, ...mcpServers.map((id) => `mcp:${id}`)];
      const guess = closestMatch(name, known);
      throw new AgentMeshError({
        code: 'config_invalid',
        message:
          `Agent "${agent.id}" has tool "${name}", which is not built in, not an MCP server's (mcp:<server>) and not given to the run` +
          `${guess === null ? '' : ` (did you mean "${guess}"?)`}; built in: ${BUILTIN_TOOL_NAMES.join(', ')}` +
          `; given: ${customNames.join(', ') || 'none'}. Fix agents.${agent.id}.tools in agentmesh.yaml.`,
        context: { field: `agents.${agent.id}.tools`, agentId: agent.id, tool: name },
      });
    }
  }
}

/** The definitions one config name stands for, with their `source` filled in. */
export function resolveToolRef(agentId: string, ref: ToolRef, sources: ToolSources): ToolDefinition[] {
  if (ref.kind === 'builtin') return [withDefaults(sources.builtin(ref.name), 'builtin')];
  if (ref.kind === 'custom') {
    const tool = sources.custom.get(ref.name);
    if (!tool) throw unknownCustomTool(agentId, ref.name, sources);
    return [withDefaults(tool, 'custom')];
  }
  const server = sources.mcp.get(ref.server);
  if (!server) {
    throw new AgentMeshError({
      code: 'config_invalid',
      message: `Agent "${agentId}" uses MCP server "${ref.server}", which is not connected; declare it under tools.mcp in agentmesh.yaml.`,
      context: { field: `agents.${agentId}.tools`, agentId, server: ref.server },
    });
  }
  const source = `mcp:${ref.server}`;
  if (ref.tool === null) return server.tools.map((tool) => withDefaults(tool, source));
  const ownName = (tool: ToolDefinition) => server.serverToolNames.get(tool.name) ?? tool.name;
  const tool = server.tools.find((candidate) => ownName(candidate) === ref.tool);
  if (tool) return [withDefaults(tool, source)];
  const offered = server.tools.map(ownName);
  const guess = closestMatch(ref.tool, offered);
  throw new AgentMeshError({
    code: 'config_invalid',
    message:
      `Agent "${agentId}" has tool "mcp:${ref.server}/${ref.tool}", but MCP server "${ref.server}" offers no tool "${ref.tool}"` +
      `${guess === null ? '' : ` (did you mean "${guess}"?)`}; it offers: ${offered.join(', ') || 'none'}. Fix agents.${agentId}.tools in agentmesh.yaml.`,
    context: { field: `agents.${agentId}.tools`, agentId, server: ref.server, tool: ref.tool },
  });
}

/**
 * Every tool an agent may call: its config names resolved, `needsApproval` set for the names in
 * `tools.approval` and for servers that ask for it, each name once.
 * @throws AgentMeshError `config_invalid` for an unknown tool or a name that two entries both give
 */
export function resolveAgentTools(
  agent: AgentConfig,
  sources: ToolSources,
  tools: Pick<ToolsConfig, 'approval' | 'mcp'>,
): ToolDefinition[] {
  const approval = new Set(tools.approval);
  const byName = new Map<string, { tool: ToolDefinition; entry: string }>();
  for (const entry of agent.tools) {
    const ref = parseToolRef(entry);
    const serverApproval = ref.kind === 'mcp' && tools.mcp[ref.server]?.needsApproval === true;
    for (const tool of resolveToolRef(agent.id, ref, sources)) {
      const earlier = byName.get(tool.name);
      if (earlier) {
        throw new AgentMeshError({
          code: 'config_invalid',
          message: `Agent "${agent.id}" gets tool "${tool.name}" twice (from "${earlier.entry}" and "${entry}"); list it once in agents.${agent.id}.tools.`,
          context: { field: `agents.${agent.id}.tools`, agentId: agent.id, tool: tool.name },
        });
      }
      const needsApproval = tool.needsApproval === true || serverApproval || approval.has(tool.name);
      byName.set(tool.name, {
        tool: needsApproval === (tool.needsApproval === true) ? tool : withPatch(tool, { needsApproval }),
        entry,
      });
    }
  }
  return [...byName.values()].map(({ tool }) => tool);
}

function unknownCustomTool(agentId: string, name: string, sources: ToolSources): AgentMeshError {
  const given = [...sources.custom.keys()];
  const guess = closestMatch(name, [...BUILTIN_TOOL_NAMES, ...given]);
  return new AgentMeshError({
    code: 'config_invalid',
    message: `Agent "${agentId}" has tool "${name}", which is not built in and not given to the run${guess === null ? '' : ` (did you mean "${guess}"?)`}; given: ${given.join(', ') || 'none'}. Fix agents.${agentId}.tools in agentmesh.yaml.`,
    context: { field: `agents.${agentId}.tools`, agentId, tool: name },
  });
}

/** The tool with `source` set when it had none. */
function withDefaults(tool: ToolDefinition, source: string): ToolDefinition {
  return tool.source === undefined ? withPatch(tool, { source }) : tool;
}

/**
 * A plain copy of a tool with some fields changed. Built field by field rather than spread, so a tool
 * that is a class instance keeps its `execute` (a prototype method a spread would drop).
 */
function withPatch(tool: ToolDefinition, patch: Partial<ToolDefinition>): ToolDefinition {
  const copy: ToolDefinition = {
    name: tool.name,
    description: tool.description,
    parameters: tool.parameters,
    execute: (args, context) => tool.execute(args, context),
  };
  if (tool.timeoutMs !== undefined) copy.timeoutMs = tool.timeoutMs;
  if (tool.sideEffects !== undefined) copy.sideEffects = tool.sideEffects;
  if (tool.needsApproval !== undefined) copy.needsApproval = tool.needsApproval;
  if (tool.source !== undefined) copy.source = tool.source;
  return Object.assign(copy, patch);
}
