import { resolve } from 'node:path';
import { closestMatch } from './closest-match.js';
import { BUILTIN_TOOL_NAMES, DEFAULT_TOOLS } from './defaults/settings.js';
import type { IssueCollector } from './issue-collector.js';
import type { AgentConfig, McpServerConfig, ToolsConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/** MCP server names become tool-name prefixes (`<server>__<tool>`), so they keep to the provider's alphabet. */
const MCP_SERVER_ID = /^[a-zA-Z0-9-]{1,32}$/;

/** `tools:` with defaults applied and paths made absolute; MCP servers need exactly one of `command` and `url`. */
export function resolveTools(file: FileConfig['tools'], cwd: string, issues: IssueCollector): ToolsConfig {
  const mcp: Record<string, McpServerConfig> = {};
  for (const [id, server] of Object.entries(file?.mcp ?? {})) {
    const path = ['tools', 'mcp', id];
    if (!MCP_SERVER_ID.test(id)) {
      issues.atField(
        path,
        'an MCP server name may use only letters, digits and "-" (at most 32), as it prefixes its tools',
      );
      continue;
    }
    const common = {
      id,
      sideEffects: server.sideEffects ?? null,
      needsApproval: server.needsApproval ?? false,
      timeoutMs: server.timeoutMs ?? null,
      startupTimeoutMs: server.startupTimeoutMs ?? DEFAULT_TOOLS.mcpStartupTimeoutMs,
    };
    if ((server.command == null) === (server.url == null)) {
      issues.atField(
        path,
        'give either command (a server started over stdio) or url (Streamable HTTP), not both or neither',
      );
    } else if (server.command != null) {
      mcp[id] = {
        ...common,
        transport: 'stdio',
        command: server.command,
        args: server.args ?? [],
        env: server.env ?? {},
        cwd: server.cwd == null ? null : resolve(cwd, server.cwd),
      };
    } else if (server.url != null) {
      mcp[id] = { ...common, transport: 'http', url: server.url, headers: server.headers ?? {} };
    }
  }
  issues.addSecrets(
    Object.values(mcp).flatMap((server) =>
      server.transport === 'stdio' ? Object.values(server.env) : Object.values(server.headers),
    ),
  );
  return {
    workspace: file?.workspace == null ? null : resolve(cwd, file.workspace),
    notes: (file?.notes ?? []).map((pattern) => resolve(cwd, pattern)),
    notesIndexPath: resolve(cwd, file?.notesIndex ?? DEFAULT_TOOLS.notesIndex),
    http: {
      allowHosts: file?.http?.allowHosts ?? [],
      timeoutMs: file?.http?.timeoutMs ?? DEFAULT_TOOLS.http.timeoutMs,
      maxBytes: file?.http?.maxBytes ?? DEFAULT_TOOLS.http.maxBytes,
    },
    timeoutMs: file?.timeoutMs ?? DEFAULT_TOOLS.timeoutMs,
    maxRounds: file?.maxRounds ?? DEFAULT_TOOLS.maxRounds,
    maxInvalidArgs: file?.maxInvalidArgs ?? DEFAULT_TOOLS.maxInvalidArgs,
    approval: file?.approval ?? [],
    mcp,
  };
}

/**
 * Checks each agent's tool names: `mcp:` names need a configured server, `http_get` needs an allowlist,
 * `search_notes` needs notes. Other names that are not built in are left for the runtime, which knows
 * the tools registered through the library API.
 */
export function checkAgentTools(
  agents: Record<string, AgentConfig>,
  tools: ToolsConfig,
  issues: IssueCollector,
): void {
  const servers = Object.keys(tools.mcp);
  for (const agent of Object.values(agents)) {
    agent.tools.forEach((name, index) => {
      const path = ['agents', agent.id, 'tools', index];
      if (name.startsWith('mcp:')) {
        const server = name.slice('mcp:'.length).split('/')[0] ?? '';
        if (tools.mcp[server] === undefined) {
          const guess = closestMatch(server, servers);
          issues.atField(
            path,
            `no MCP server "${server}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; declare it under tools.mcp (configured: ${servers.join(', ') || 'none'})`,
          );
        }
      } else if (name === 'http_get' && tools.http.allowHosts.length === 0) {
        issues.atField(path, 'http_get is off until tools.http.allowHosts lists the hosts it may fetch from');
      } else if (name === 'search_notes' && tools.notes.length === 0) {
        issues.atField(path, 'search_notes needs tools.notes: the files, directories or globs to index');
      }
    });
  }
}

/** Whether `name` is one of the built-in tools. */
export function isBuiltinToolName(name: string): name is (typeof BUILTIN_TOOL_NAMES)[number] {
  return (BUILTIN_TOOL_NAMES as readonly string[]).includes(name);
}
