import type { ChildProcess } from 'node:child_process';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { McpServerConfig } from '../../config/resolved-config.js';

/** Longest stderr line kept for a message. */
const MAX_STDERR_LINE = 200;
/** How long a failure report waits for a dying server's last stderr output. */
const STDERR_SETTLE_MS = 1000;
/** How long closing waits for a killed subprocess to be reaped. */
const EXIT_WAIT_MS = 2000;

/** A transport to one MCP server, and what is known about why it stopped. */
export interface McpTransportHandle {
  transport: Transport;
  /** `exited with code 3 (last stderr: "…")`, `was killed by SIGKILL`; null while the process runs, or over HTTP. */
  describeExit(): string | null;
  /** Resolves once a stopped server's stderr has been read to the end (at most about a second). */
  settled(): Promise<void>;
}

/** Options of {@link createMcpTransport}. */
export interface McpTransportOptions {
  /** Each stderr line of a stdio server, secrets already removed. */
  onStderr?: (line: string) => void;
  /** Removes configured env and header values from text that may end up in a message. */
  redact: (text: string) => string;
}

/** The SDK transport for a server's config: a subprocess over stdio, or Streamable HTTP. */
export function createMcpTransport(
  server: McpServerConfig,
  options: McpTransportOptions,
): McpTransportHandle {
  if (server.transport === 'http') {
    const transport = new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: server.headers },
    });
    return { transport, describeExit: () => null, settled: async () => {} };
  }
  const transport = new ObservedStdioTransport({
    command: server.command,
    args: server.args,
    // Only the variables the SDK deems safe (PATH, HOME, …) plus the configured ones: ours hold API keys.
    env: { ...getDefaultEnvironment(), ...server.env },
    cwd: server.cwd ?? undefined,
    stderr: 'pipe',
  });
  const stderr = readStderrLines(transport, options);
  return {
    transport,
    describeExit: () => {
      const { exit } = transport;
      if (exit === null) return null;
      const how = exit.code !== null ? `exited with code ${exit.code}` : `was killed by ${exit.signal}`;
      const line = stderr.lastLine();
      return line === null ? how : `${how} (last stderr: ${JSON.stringify(line)})`;
    },
    settled: stderr.ended,
  };
}

/** Follows a stdio server's stderr line by line; remembers the last line for failure messages. */
function readStderrLines(transport: StdioClientTransport, options: McpTransportOptions) {
  let pending = '';
  let last: string | null = null;
  const take = (line: string) => {
    const clean = options.redact(line.trimEnd());
    if (clean.trim() === '') return;
    last = clean.length > MAX_STDERR_LINE ? `${clean.slice(0, MAX_STDERR_LINE)}…` : clean;
    try {
      options.onStderr?.(clean);
    } catch {
      // A failing diagnostics callback must not become an uncaught exception in a stream handler.
    }
  };
  let markEnded = () => {};
  const ended = new Promise<void>((resolve) => {
    markEnded = resolve;
  });
  const stream = transport.stderr;
  stream?.on('data', (chunk: Buffer) => {
    pending += chunk.toString('utf8');
    const lines = pending.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) take(line);
  });
  stream?.on('end', () => {
    take(pending);
    pending = '';
    markEnded();
  });
  return {
    lastLine: () => last,
    // Bounded: a server that leaves its stderr open (a grandchild holding it) must not hang a report.
    ended: () =>
      Promise.race([ended, new Promise<void>((resolve) => setTimeout(resolve, STDERR_SETTLE_MS).unref())]),
  };
}

/** The SDK's stdio transport, also noting the subprocess's exit, and closing only once it is gone. */
class ObservedStdioTransport extends StdioClientTransport {
  exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;
  private exited: Promise<void> = Promise.resolve();
  private closing: Promise<void> | undefined;

  override async start(): Promise<void> {
    await super.start();
    // The SDK keeps its child process private and reports only that it closed, yet the exit code is
    // what tells a user why a server stopped. `spawn` has fired, so `exit` cannot have yet.
    const child = (this as unknown as { _process?: ChildProcess })._process;
    if (child === undefined) return;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exit = { code, signal };
        resolve();
      });
    });
  }

  /**
   * The SDK ends stdin, then sends SIGTERM, then SIGKILL without waiting for it; a second call returns at
   * once. Here every caller (the client's own cleanup after a failed handshake, then ours) waits until
   * the process has really exited, bounded in case it cannot be reaped.
   */
  override close(): Promise<void> {
    this.closing ??= (async () => {
      await super.close();
      await Promise.race([
        this.exited,
        new Promise<void>((resolve) => setTimeout(resolve, EXIT_WAIT_MS).unref()),
      ]);
    })();
    return this.closing;
  }
}
