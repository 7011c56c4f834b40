import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import type { McpServerConfig } from '../../config/resolved-config.js';
import { AgentMeshError } from '../../errors/agentmesh-error.js';
import type { ToolDefinition } from '../tool.js';
import { describeMcpFailure, mcpStartupError, secretRedactor } from './mcp-failure.js';
import { type McpSession, mcpToolDefinition } from './mcp-tool-definition.js';
import { mcpToolName } from './mcp-tool-name.js';
import { createMcpTransport } from './mcp-transport.js';

/** Pages of `tools/list` followed at most: a server that keeps sending cursors must not hang startup. */
const MAX_TOOL_PAGES = 100;

/** A connected MCP server and its tools. */
export interface McpConnection {
  /** The server's name in `tools.mcp`. */
  readonly id: string;
  /** Its tools, named `<id>__<tool>` (sanitized), source `mcp:<id>`. */
  readonly tools: ToolDefinition[];
  /** Offered tool name → the server's own tool name (what `mcp:<id>/<tool>` in an agent's tools names). */
  readonly serverToolNames: ReadonlyMap<string, string>;
  /** Ends the connection and stops the subprocess (SIGTERM, then SIGKILL). Safe to call twice. */
  close(): Promise<void>;
}

/** Options of {@link connectMcpServer}. */
export interface ConnectMcpOptions {
  /** Per call when the server config sets none. */
  defaultTimeoutMs: number;
  /** Aborts connecting (the run was cancelled). */
  signal?: AbortSignal;
  /** Stderr lines of a stdio server, for diagnostics (configured env values removed). */
  onStderr?: (line: string) => void;
}

/**
 * Connects to an MCP server (a subprocess over stdio, or Streamable HTTP) and lists its tools, all
 * within `startupTimeoutMs`. Throws `mcp_unavailable` saying what failed and where to fix it.
 */
export async function connectMcpServer(
  server: McpServerConfig,
  options: ConnectMcpOptions,
): Promise<McpConnection> {
  const redact = secretRedactor(
    server.transport === 'stdio' ? Object.values(server.env) : Object.values(server.headers),
  );
  const handle = createMcpTransport(server, {
    redact,
    ...(options.onStderr ? { onStderr: options.onStderr } : {}),
  });
  const client = new Client({ name: 'agentmesh', version: '0.1.0' });
  const session: McpSession = {
    server,
    client,
    handle,
    defaultTimeoutMs: options.defaultTimeoutMs,
    redact,
    lost: false,
    closed: false,
  };
  client.onclose = () => {
    if (!session.closed) session.lost = true;
  };
  // Transport errors also reach the pending request, which is where they are reported.
  client.onerror = () => {};

  const deadline = AbortSignal.timeout(server.startupTimeoutMs);
  const signal = options.signal === undefined ? deadline : AbortSignal.any([deadline, options.signal]);
  let tools: Tool[];
  try {
    tools = await untilAborted(signal, async () => {
      await client.connect(handle.transport, { signal, timeout: server.startupTimeoutMs });
      return listAllTools(client, signal, server.startupTimeoutMs);
    });
  } catch (error) {
    // Before closing, which stops the process itself and so gives it an exit of its own.
    const exitedOnItsOwn = handle.describeExit() !== null;
    session.closed = true;
    await client.close().catch(() => {});
    throw await startupError(session, error, {
      cancelled: options.signal?.aborted === true,
      timedOut: deadline.aborted && !exitedOnItsOwn,
    });
  }

  const { definitions, serverToolNames } = toolDefinitions(session, tools);
  let closing: Promise<void> | undefined;
  return {
    id: server.id,
    tools: definitions,
    serverToolNames,
    close: () => {
      closing ??= (async () => {
        session.closed = true;
        await client.close().catch(() => {});
      })();
      return closing;
    },
  };
}

/** Why connecting failed: cancelled, timed out, or what the transport saw (exit code, HTTP status, …). */
async function startupError(
  session: McpSession,
  error: unknown,
  { cancelled, timedOut }: { cancelled: boolean; timedOut: boolean },
): Promise<AgentMeshError> {
  const { server, handle } = session;
  if (cancelled) {
    return new AgentMeshError({
      code: 'cancelled',
      message: `Connecting to MCP server "${server.id}" was cancelled`,
      context: { server: server.id },
      cause: error,
    });
  }
  if (timedOut) {
    return mcpStartupError(
      server,
      `it did not answer initialize and tools/list within ${server.startupTimeoutMs} ms (raise tools.mcp.${server.id}.startupTimeoutMs if it needs longer)`,
      error,
    );
  }
  await handle.settled();
  return mcpStartupError(
    server,
    describeMcpFailure(server, error, handle.describeExit(), session.redact),
    error,
  );
}

/** The server's tools as definitions with unique provider-safe names, and each name's original. */
function toolDefinitions(session: McpSession, tools: Tool[]) {
  const definitions: ToolDefinition[] = [];
  const serverToolNames = new Map<string, string>();
  for (const tool of tools) {
    // Tools that can only run as MCP tasks need the experimental tasks API, which this client does not use.
    if (tool.execution?.taskSupport === 'required') continue;
    const name = mcpToolName(session.server.id, tool.name, new Set(serverToolNames.keys()));
    serverToolNames.set(name, tool.name);
    definitions.push(mcpToolDefinition(session, tool, name));
  }
  return { definitions, serverToolNames };
}

/** Every tool of the server, following `nextCursor` pages. */
async function listAllTools(client: Client, signal: AbortSignal, timeout: number): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_TOOL_PAGES; page += 1) {
    const result = await client.listTools(cursor === undefined ? {} : { cursor }, { signal, timeout });
    tools.push(...result.tools);
    if (result.nextCursor === undefined || result.nextCursor === cursor) break;
    cursor = result.nextCursor;
  }
  return tools;
}

/** Runs `work`, rejecting as soon as `signal` aborts even if `work` is stuck (a spawn or fetch that hangs). */
async function untilAborted<T>(signal: AbortSignal, work: () => Promise<T>): Promise<T> {
  signal.throwIfAborted();
  let onAbort = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([work(), aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
