import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../../config/resolved-config.js';
import { AgentMeshError, isAgentMeshError } from '../../errors/agentmesh-error.js';
import type { ToolContext, ToolDefinition } from '../tool.js';
import { describeMcpFailure, isConnectionError, mcpLostError, oneLine } from './mcp-failure.js';
import { mcpResultToOutput } from './mcp-result-to-output.js';
import type { McpTransportHandle } from './mcp-transport.js';

/** The live state of one server's connection, shared by its tools. */
export interface McpSession {
  server: McpServerConfig;
  client: Client;
  handle: McpTransportHandle;
  /** Per call when the server config sets no `timeoutMs`. */
  defaultTimeoutMs: number;
  redact: (text: string) => string;
  /** Set when the connection ended without us closing it (the subprocess died). */
  lost: boolean;
  /** Set once `close()` was called. */
  closed: boolean;
}

/** The `_meta` key under which each call carries its idempotency key, for servers that deduplicate. */
export const IDEMPOTENCY_META_KEY = 'agentmesh/idempotencyKey';

/** An MCP tool as a {@link ToolDefinition} offered as `name`, calling the server's `tool.name`. */
export function mcpToolDefinition(session: McpSession, tool: Tool, name: string): ToolDefinition {
  const { server } = session;
  return {
    name,
    description:
      tool.description ??
      tool.title ??
      tool.annotations?.title ??
      `Tool "${tool.name}" of MCP server "${server.id}"`,
    parameters: tool.inputSchema,
    ...(server.timeoutMs === null ? {} : { timeoutMs: server.timeoutMs }),
    sideEffects: server.sideEffects ?? tool.annotations?.readOnlyHint !== true,
    needsApproval: server.needsApproval,
    source: `mcp:${server.id}`,
    async execute(args, context) {
      if (session.lost || session.closed) throw await lostError(session);
      const timeoutMs = server.timeoutMs ?? session.defaultTimeoutMs;
      try {
        const result = await session.client.callTool(
          {
            name: tool.name,
            arguments: isRecord(args) ? args : {},
            _meta: { [IDEMPOTENCY_META_KEY]: context.idempotencyKey },
          },
          undefined,
          { signal: context.signal, timeout: timeoutMs },
        );
        return mcpResultToOutput(result);
      } catch (error) {
        throw await callError(session, tool.name, timeoutMs, error, context);
      }
    },
  };
}

/** The error a failed call throws: the loop turns it into an error result for the model. */
async function callError(
  session: McpSession,
  toolName: string,
  timeoutMs: number,
  error: unknown,
  context: ToolContext,
): Promise<AgentMeshError> {
  const { server } = session;
  if (context.signal.aborted) {
    // The loop stopped the call (its own timeout, or the run ending): keep its reason.
    const reason: unknown = context.signal.reason;
    if (isAgentMeshError(reason)) return reason;
    return new AgentMeshError({
      code: 'cancelled',
      message: `The call of MCP tool "${toolName}" on server "${server.id}" was stopped before it answered`,
      context: { server: server.id, tool: toolName },
      cause: error,
    });
  }
  if (session.lost || session.closed || isConnectionError(error)) return lostError(session, error);
  if (error instanceof McpError && error.code === ErrorCode.RequestTimeout) {
    return new AgentMeshError({
      code: 'tool_timeout',
      message: `MCP tool "${toolName}" on server "${server.id}" did not answer within ${timeoutMs} ms; raise tools.mcp.${server.id}.timeoutMs in agentmesh.yaml if it needs longer`,
      context: { server: server.id, tool: toolName, timeoutMs },
      cause: error,
    });
  }
  const message = error instanceof Error ? error.message : String(error);
  return new AgentMeshError({
    code: 'tool_failed',
    message: `MCP server "${server.id}" refused the call of "${toolName}": ${oneLine(session.redact(message))}`,
    context: { server: server.id, tool: toolName },
    cause: error,
  });
}

/** `mcp_unavailable`, saying why the server is gone as well as is known. */
async function lostError(session: McpSession, error?: unknown): Promise<AgentMeshError> {
  if (session.closed && !session.lost) {
    return mcpLostError(session.server, 'its connection was closed (the run is ending)', error);
  }
  // A dying subprocess's last stderr lines may still be on their way.
  await session.handle.settled();
  const exit = session.handle.describeExit();
  const detail =
    error === undefined
      ? `it ${exit ?? 'closed its connection'}`
      : describeMcpFailure(session.server, error, exit, session.redact);
  return mcpLostError(session.server, detail, error);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
