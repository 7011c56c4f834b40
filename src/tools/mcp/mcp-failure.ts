import { existsSync } from 'node:fs';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../../config/resolved-config.js';
import { AgentMeshError } from '../../errors/agentmesh-error.js';

/** Longest piece of a server's own error text put into a message. */
const MAX_DETAIL = 200;

/**
 * What went wrong with a server, as a clause for a message: `its command "x" was not found …`,
 * `it exited with code 3 (last stderr: "…")`, `it answered HTTP 401 …`, `it could not be reached at … (ECONNREFUSED)`.
 * `exit` is the transport's account of a stopped subprocess; header and env values are redacted.
 */
export function describeMcpFailure(
  server: McpServerConfig,
  error: unknown,
  exit: string | null,
  redact: (text: string) => string,
): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (server.transport === 'stdio' && (code === 'ENOENT' || code === 'EACCES')) {
    if (server.cwd !== null && code === 'ENOENT' && !existsSync(server.cwd)) {
      // spawn reports a missing working directory as a missing command.
      return `its working directory "${server.cwd}" does not exist`;
    }
    return code === 'ENOENT'
      ? `its command "${server.command}" was not found (is it installed and on PATH?)`
      : `its command "${server.command}" could not be run (permission denied)`;
  }
  if (exit !== null) return `it ${exit}`;
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code > 0) {
    const hint = error.code === 401 || error.code === 403 ? ' (are its headers right?)' : '';
    return `it answered HTTP ${error.code} at ${endpoint(server)}${hint}`;
  }
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  if (error instanceof TypeError && typeof cause?.code === 'string') {
    return `it could not be reached at ${endpoint(server)} (${cause.code})`;
  }
  if (error instanceof McpError && error.code === ErrorCode.ConnectionClosed)
    return 'it closed its connection';
  const message = error instanceof Error ? error.message : String(error);
  return `it failed: ${oneLine(redact(message))}`;
}

/** `mcp_unavailable` while connecting or listing tools. */
export function mcpStartupError(server: McpServerConfig, detail: string, cause?: unknown): AgentMeshError {
  return new AgentMeshError({
    code: 'mcp_unavailable',
    message: `MCP server "${server.id}" did not start: ${detail}; check tools.mcp.${server.id} in agentmesh.yaml`,
    context: { server: server.id, transport: server.transport },
    cause,
  });
}

/** `mcp_unavailable` for a call to a server that stopped or cannot be reached during the run. */
export function mcpLostError(server: McpServerConfig, detail: string, cause?: unknown): AgentMeshError {
  return new AgentMeshError({
    code: 'mcp_unavailable',
    message: `MCP server "${server.id}" is unavailable: ${detail}; check tools.mcp.${server.id} in agentmesh.yaml and resume the run`,
    context: { server: server.id, transport: server.transport },
    cause,
  });
}

/** Whether an error comes from the connection (network, closed pipe) rather than from the server's answer. */
export function isConnectionError(error: unknown): boolean {
  if (error instanceof McpError) return error.code === ErrorCode.ConnectionClosed;
  if (error instanceof StreamableHTTPError) return true;
  if (error instanceof TypeError && (error as { cause?: unknown }).cause !== undefined) return true;
  return error instanceof Error && error.message === 'Not connected';
}

/** A secret-free, single-line, bounded rendering of a server's own error text. */
export function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

/** A function that replaces each of `secrets` (the configured env or header values) with `***`. */
export function secretRedactor(secrets: readonly string[]): (text: string) => string {
  // Very short values ("1", "on") are not secrets, and replacing them would garble the text.
  const values = [...new Set(secrets.filter((value) => value.length >= 4))].sort(
    (a, b) => b.length - a.length,
  );
  return (text) => values.reduce((result, value) => result.split(value).join('***'), text);
}

/** The server's URL without query or credentials, which may carry tokens. */
function endpoint(server: McpServerConfig): string {
  if (server.transport !== 'http') return `command "${server.command}"`;
  const url = new URL(server.url);
  return `${url.origin}${url.pathname}`;
}
