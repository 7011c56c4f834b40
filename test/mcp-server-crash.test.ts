import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAgentMeshError } from '../src/errors/agentmesh-error.js';
import { connectMcpServer, type McpConnection } from '../src/tools/mcp/connect-mcp-server.js';
import { CRASHABLE_SERVER, stdioServer, toolContext, toolNamed } from './fixtures/mcp/mcp-test-kit.js';

/** What `promise` rejected with; fails when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

/** Whether a process with this pid still exists. */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('an MCP server that dies mid-run', () => {
  let connection: McpConnection;
  let pid: number;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);

  beforeEach(async () => {
    unhandled.length = 0;
    process.on('unhandledRejection', onUnhandled);
    connection = await connectMcpServer(stdioServer('crashable', process.execPath, [CRASHABLE_SERVER]), {
      defaultTimeoutMs: 60_000,
    });
    pid = Number(await toolNamed(connection, 'crashable__pid').execute({}, toolContext()));
    expect(isRunning(pid)).toBe(true);
  });

  afterEach(async () => {
    await connection.close();
    // Let any stray rejection surface before checking.
    await new Promise((resolve) => setImmediate(resolve));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
  });

  it('passes the idempotency key as _meta over stdio too', async () => {
    const meta = JSON.parse(
      String(await toolNamed(connection, 'crashable__meta').execute({}, toolContext(3))),
    );
    expect(meta['agentmesh/idempotencyKey']).toBe('run-1/s1#3');
  });

  it('after kill -9, the next call throws a one-line mcp_unavailable naming the signal', async () => {
    process.kill(pid, 'SIGKILL');
    const error = await rejection(toolNamed(connection, 'crashable__pid').execute({}, toolContext(1)));
    expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
    expect((error as Error).message).toBe(
      'MCP server "crashable" is unavailable: it was killed by SIGKILL (last stderr: "crashable server ready"); check tools.mcp.crashable in agentmesh.yaml and resume the run',
    );
    // And every call after it, without touching the dead process again.
    const again = await rejection(toolNamed(connection, 'crashable__meta').execute({}, toolContext(2)));
    expect(isAgentMeshError(again) && again.code).toBe('mcp_unavailable');
  });

  it('a call in flight when the server is killed throws mcp_unavailable', async () => {
    const pending = toolNamed(connection, 'crashable__sleep').execute({ ms: 60_000 }, toolContext(1));
    process.kill(pid, 'SIGKILL');
    const error = await rejection(pending);
    expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
    expect((error as Error).message).toContain('was killed by SIGKILL');
  });

  it('a server that exits during a call gives its exit code and last stderr line', async () => {
    const error = await rejection(toolNamed(connection, 'crashable__crash').execute({}, toolContext(1)));
    expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
    expect((error as Error).message).toBe(
      'MCP server "crashable" is unavailable: it exited with code 7 (last stderr: "fatal: crash requested by the test"); check tools.mcp.crashable in agentmesh.yaml and resume the run',
    );
  });

  it('close() stops the subprocess and may be called again, also at the same time', async () => {
    await Promise.all([connection.close(), connection.close()]);
    expect(isRunning(pid)).toBe(false);
    await connection.close();
    const error = await rejection(toolNamed(connection, 'crashable__pid').execute({}, toolContext(1)));
    expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
    expect((error as Error).message).toContain('its connection was closed');
  });
});
