import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import type { McpServerConfig } from '../src/config/resolved-config.js';
import { isAgentMeshError } from '../src/errors/agentmesh-error.js';
import { connectMcpServer } from '../src/tools/mcp/connect-mcp-server.js';
import { startHttpMcpServer } from './fixtures/mcp/http-test-server.js';
import { httpServer, stdioServer } from './fixtures/mcp/mcp-test-kit.js';

/** The message of the `mcp_unavailable` error connecting to `server` throws; fails on any other outcome. */
async function startupFailure(server: McpServerConfig, onStderr?: (line: string) => void): Promise<string> {
  const error = await connectMcpServer(server, {
    defaultTimeoutMs: 1000,
    ...(onStderr ? { onStderr } : {}),
  }).then(
    async (connection) => {
      await connection.close();
      throw new Error('expected connecting to fail');
    },
    (thrown: unknown) => thrown,
  );
  expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
  const { message } = error as Error;
  expect(message).not.toContain('\n');
  return message;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('an MCP server that fails to start', () => {
  it('names a command that does not exist', async () => {
    const message = await startupFailure(stdioServer('ghost', 'agentmesh-no-such-mcp-server', ['--stdio']));
    expect(message).toBe(
      'MCP server "ghost" did not start: its command "agentmesh-no-such-mcp-server" was not found (is it installed and on PATH?); check tools.mcp.ghost in agentmesh.yaml',
    );
  });

  it('names a working directory that does not exist', async () => {
    const message = await startupFailure(
      stdioServer('lost', process.execPath, ['-e', ''], { cwd: '/nonexistent/agentmesh-mcp-dir' }),
    );
    expect(message).toBe(
      'MCP server "lost" did not start: its working directory "/nonexistent/agentmesh-mcp-dir" does not exist; check tools.mcp.lost in agentmesh.yaml',
    );
  });

  it('gives the exit code and last stderr line of a server that exits at once', async () => {
    const message = await startupFailure(
      stdioServer('broken', process.execPath, [
        '-e',
        'console.error("loading config"); console.error("Error: missing ROOT_DIR"); process.exit(3)',
      ]),
    );
    expect(message).toBe(
      'MCP server "broken" did not start: it exited with code 3 (last stderr: "Error: missing ROOT_DIR"); check tools.mcp.broken in agentmesh.yaml',
    );
  });

  it('never puts configured env values into the message, even when the server prints them', async () => {
    const message = await startupFailure(
      stdioServer(
        'leaky',
        process.execPath,
        ['-e', 'console.error("token is " + process.env.API_TOKEN); process.exit(1)'],
        {
          env: { API_TOKEN: 'tok-very-secret-123' },
        },
      ),
    );
    expect(message).toContain('exited with code 1 (last stderr: "token is ***")');
    expect(message).not.toContain('tok-very-secret-123');
  });

  it('stops a server that does not answer within startupTimeoutMs, and its process', async () => {
    // Never answers and ignores its stdin closing, so only a signal ends it.
    const lines: string[] = [];
    const server = stdioServer(
      'mute',
      process.execPath,
      ['-e', 'console.error("pid " + process.pid); process.stdin.resume(); setInterval(() => {}, 1000)'],
      { startupTimeoutMs: 300 },
    );
    const message = await startupFailure(server, (line) => lines.push(line));
    expect(message).toBe(
      'MCP server "mute" did not start: it did not answer initialize and tools/list within 300 ms (raise tools.mcp.mute.startupTimeoutMs if it needs longer); check tools.mcp.mute in agentmesh.yaml',
    );
    const pid = Number(lines.find((line) => line.startsWith('pid '))?.slice('pid '.length));
    expect(pid).toBeGreaterThan(0);
    expect(() => process.kill(pid, 0)).toThrow(expect.objectContaining({ code: 'ESRCH' }));
  });

  it('names an unreachable URL and why', async () => {
    const port = await closedPort();
    const message = await startupFailure(
      httpServer('remote', `http://127.0.0.1:${port}/mcp?key=query-secret`),
    );
    expect(message).toBe(
      `MCP server "remote" did not start: it could not be reached at http://127.0.0.1:${port}/mcp (ECONNREFUSED); check tools.mcp.remote in agentmesh.yaml`,
    );
  });

  it('gives the HTTP status of a server that refuses, without the header values', async () => {
    const server = await startHttpMcpServer({ token: 'right-token' });
    try {
      const message = await startupFailure(
        httpServer('remote', server.url, { headers: { authorization: 'Bearer wrong-token-value' } }),
      );
      expect(message).toBe(
        `MCP server "remote" did not start: it answered HTTP 401 at ${server.url} (are its headers right?); check tools.mcp.remote in agentmesh.yaml`,
      );
      expect(message).not.toContain('wrong-token-value');
    } finally {
      await server.close();
    }
  });

  it('reports cancellation, not unavailability, when the run is cancelled while connecting', async () => {
    const controller = new AbortController();
    const pending = connectMcpServer(
      stdioServer('mute', process.execPath, ['-e', 'process.stdin.resume()']),
      {
        defaultTimeoutMs: 1000,
        signal: controller.signal,
      },
    );
    controller.abort();
    const error = await pending.then(
      () => null,
      (thrown: unknown) => thrown,
    );
    expect(isAgentMeshError(error) && error.code).toBe('cancelled');
  });
});
