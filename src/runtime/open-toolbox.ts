import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import type { AgentConfig, ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import type { AgentTools, Toolbox } from '../tools/agent-tools.js';
import { createBuiltinTools } from '../tools/builtin/builtin-tools.js';
import { connectMcpServer, type McpConnection } from '../tools/mcp/connect-mcp-server.js';
import type { ToolDefinition } from '../tools/tool.js';
import { ToolSet } from '../tools/tool-set.js';
import { createSandbox } from './create-sandbox.js';
import {
  checkToolNames,
  indexCustomTools,
  mcpServersUsed,
  parseToolRef,
  resolveAgentTools,
  type ToolSources,
} from './resolve-agent-tools.js';

/** Options for {@link openToolbox}. */
export interface OpenToolboxOptions {
  config: ResolvedConfig;
  team: TeamConfig;
  /** The run the tools work for: its id names the default workspace. */
  runId: string;
  /** Tools given through the library API; agents name them in `agents.<id>.tools`. */
  customTools?: readonly ToolDefinition[];
  /** Where `run_code` / `run_tests` run. @default createSandbox(config.sandbox), only when an agent has one of them */
  sandbox?: Sandbox;
  /** Aborts starting the MCP servers (Ctrl-C during start-up). */
  signal?: AbortSignal;
  /** What an MCP server writes on stderr. @default dropped */
  onMcpStderr?: (serverId: string, text: string) => void;
}

/**
 * Builds the tools of every agent of a team for one run: built-ins, the tools of the MCP servers the
 * agents name (each started once, in parallel, only those used), and the tools given through the library.
 * Creates the workspace directory. Returns undefined when no agent of the team has tools: such a run
 * starts no server and pays nothing. Any problem (an unknown tool name, a server that cannot start)
 * throws before the caller stores anything, and leaves nothing running.
 * @throws AgentMeshError `config_invalid` (unknown or duplicate tool), `usage` (bad custom tool), `mcp_unavailable`
 */
export async function openToolbox(options: OpenToolboxOptions): Promise<Toolbox | undefined> {
  const { config, team, runId } = options;
  const agents = team.agents
    .map((id) => config.agents[id])
    .filter((agent): agent is AgentConfig => agent !== undefined && agent.tools.length > 0);
  if (agents.length === 0) return undefined;

  const custom = indexCustomTools(options.customTools ?? []);
  checkToolNames(agents, [...custom.keys()], Object.keys(config.tools.mcp));
  const workspace = config.tools.workspace ?? join(config.store.artifactsDir, runId, 'workspace');

  const sandbox = options.sandbox ?? (usesSandbox(agents) ? await createSandbox(config.sandbox) : undefined);
  const connections = await connectAll(mcpServersUsed(agents), options);
  const builtins = createBuiltinTools({ config, ...(sandbox && { sandbox }) });
  const close = closeOnce(async () => {
    await Promise.allSettled([...connections.map((connection) => connection.close()), builtins.close()]);
  });
  try {
    const sources: ToolSources = {
      builtin: (name) => builtins.get(name),
      custom,
      mcp: new Map(connections.map((connection) => [connection.id, connection])),
    };
    const byAgent = new Map<string, AgentTools>();
    for (const agent of agents) {
      const definitions = resolveAgentTools(agent, sources, config.tools);
      // Compiles the schemas now (and keeps them for the loop): a tool with a bad schema fails the start.
      ToolSet.of(definitions);
      byAgent.set(agent.id, {
        definitions,
        maxRounds: agent.maxToolRounds ?? config.tools.maxRounds,
        maxInvalidArgs: config.tools.maxInvalidArgs,
        timeoutMs: config.tools.timeoutMs,
        workspace,
      });
    }
    // Last: a run that cannot start leaves no directory behind.
    await mkdir(workspace, { recursive: true });
    return { forAgent: (agentId) => byAgent.get(agentId), close };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * Connects every server at once; when one fails, the others are closed and its error (one line,
 * `mcp_unavailable`) is thrown, so a run never starts with part of its tools.
 */
async function connectAll(
  serverIds: readonly string[],
  { config, signal, onMcpStderr }: OpenToolboxOptions,
): Promise<McpConnection[]> {
  const settled = await Promise.allSettled(
    serverIds.map((id) => {
      const server = config.tools.mcp[id]!;
      return connectMcpServer(server, {
        defaultTimeoutMs: config.tools.timeoutMs,
        ...(signal && { signal }),
        ...(onMcpStderr && { onStderr: (text: string) => onMcpStderr(id, text) }),
      });
    }),
  );
  const connected = settled.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
  const failed = settled.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.allSettled(connected.map((connection) => connection.close()));
    throw failed.reason;
  }
  return connected;
}

/** Whether an agent runs code (`run_code`, `run_tests`), which needs a sandbox. */
function usesSandbox(agents: readonly AgentConfig[]): boolean {
  return agents.some((agent) =>
    agent.tools.some((name) => {
      const ref = parseToolRef(name);
      return ref.kind === 'builtin' && (ref.name === 'run_code' || ref.name === 'run_tests');
    }),
  );
}

/** `close` that runs its body once, however often it is called. */
function closeOnce(body: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => {
    closing ??= body();
    return closing;
  };
}
