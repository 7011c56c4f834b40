import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentMeshError, isAgentMeshError } from '../src/errors/agentmesh-error.js';
import { connectMcpServer, type McpConnection } from '../src/tools/mcp/connect-mcp-server.js';
import { TOOL_NAME_PATTERN } from '../src/tools/tool.js';
import { type HttpMcpServer, startHttpMcpServer } from './fixtures/mcp/http-test-server.js';
import { httpServer, toolContext, toolNamed } from './fixtures/mcp/mcp-test-kit.js';

const TOKEN = 'http-test-token-4711';

/** What `promise` rejected with; fails when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`);
    },
    (error: unknown) => error,
  );
}

describe('an MCP server over Streamable HTTP (the SDK server on loopback)', () => {
  let server: HttpMcpServer;
  let connection: McpConnection;

  beforeAll(async () => {
    server = await startHttpMcpServer({ token: TOKEN });
    connection = await connectMcpServer(
      httpServer('remote', server.url, { headers: { authorization: `Bearer ${TOKEN}` }, timeoutMs: 500 }),
      { defaultTimeoutMs: 20_000 },
    );
  });

  afterAll(async () => {
    await connection?.close();
    await server?.close();
  });

  it('follows tools/list pages and lists every tool', () => {
    expect(connection.tools).toHaveLength(6);
    expect(connection.tools.slice(0, 4).map((tool) => tool.name)).toEqual([
      'remote__add',
      'remote__record_meta',
      'remote__fail',
      'remote__slow',
    ]);
  });

  it('sends the configured headers and calls a tool', async () => {
    expect(await toolNamed(connection, 'remote__add').execute({ a: 2, b: 40 }, toolContext())).toBe('42');
  });

  it('takes description, side effects and timeout from the tool and the server config', () => {
    const add = toolNamed(connection, 'remote__add');
    expect(add).toMatchObject({
      sideEffects: false,
      timeoutMs: 500,
      source: 'mcp:remote',
      needsApproval: false,
    });
    const recordMeta = toolNamed(connection, 'remote__record_meta');
    expect(recordMeta.description).toBe('Record meta');
    expect(recordMeta.sideEffects).toBe(true);
  });

  it('passes the idempotency key in the call request _meta', async () => {
    await toolNamed(connection, 'remote__record_meta').execute({}, toolContext(7));
    expect(server.metas.at(-1)).toMatchObject({ 'agentmesh/idempotencyKey': 'run-1/s1#7' });
  });

  it('returns a result the server marks isError as an error output', async () => {
    expect(await toolNamed(connection, 'remote__fail').execute({}, toolContext())).toEqual({
      content: 'disk full',
      isError: true,
    });
  });

  it('gives tools with refused characters or long names valid, distinct names that call the original', async () => {
    const odd = connection.tools.slice(4);
    for (const tool of odd) expect(tool.name).toMatch(TOOL_NAME_PATTERN);
    expect(odd[0]?.name).toBe('remote__weird_name_with_spaces');
    expect(odd[1]?.name).toHaveLength(64);
    for (const tool of odd) {
      const original = connection.serverToolNames.get(tool.name);
      expect(await tool.execute({}, toolContext())).toBe(`called ${original}`);
    }
  });

  it('turns a call that outlasts the server timeoutMs into tool_timeout', async () => {
    const error = await rejection(toolNamed(connection, 'remote__slow').execute({}, toolContext()));
    expect(isAgentMeshError(error) && error.code).toBe('tool_timeout');
    expect(String((error as Error).message)).toContain('tools.mcp.remote.timeoutMs');
  });

  it('keeps the loop’s own AgentMeshError when it aborts a call, and says cancelled otherwise', async () => {
    const slow = toolNamed(connection, 'remote__slow');
    const byTimeout = new AbortController();
    const timedOut = slow.execute({}, toolContext(0, byTimeout.signal));
    const reason = new AgentMeshError({ code: 'tool_timeout', message: 'the loop gave up' });
    byTimeout.abort(reason);
    expect(await rejection(timedOut)).toBe(reason);

    const byStop = new AbortController();
    const stopped = slow.execute({}, toolContext(1, byStop.signal));
    byStop.abort(new Error('run stopped'));
    const error = await rejection(stopped);
    expect(isAgentMeshError(error) && error.code).toBe('cancelled');
  });
});

describe('a Streamable HTTP server that goes away mid-run', () => {
  it('makes the next call throw a one-line mcp_unavailable, and close still works twice', async () => {
    const server = await startHttpMcpServer();
    const connection = await connectMcpServer(httpServer('remote', server.url), { defaultTimeoutMs: 20_000 });
    expect(await toolNamed(connection, 'remote__add').execute({ a: 1, b: 1 }, toolContext())).toBe('2');
    await server.close();
    const error = await rejection(
      toolNamed(connection, 'remote__add').execute({ a: 1, b: 1 }, toolContext()),
    );
    expect(isAgentMeshError(error) && error.code).toBe('mcp_unavailable');
    const message = (error as Error).message;
    expect(message).toMatch(
      /^MCP server "remote" is unavailable: it could not be reached at http:\/\/127\.0\.0\.1:\d+\/mcp \([A-Z_]+\); check tools\.mcp\.remote in agentmesh\.yaml/,
    );
    expect(message).not.toContain('\n');
    await connection.close();
    await connection.close();
    const afterClose = await rejection(
      toolNamed(connection, 'remote__add').execute({ a: 1, b: 1 }, toolContext()),
    );
    expect(isAgentMeshError(afterClose) && afterClose.code).toBe('mcp_unavailable');
  });
});
