import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectMcpServer, type McpConnection } from '../src/tools/mcp/connect-mcp-server.js';
import { TOOL_NAME_PATTERN } from '../src/tools/tool.js';
import { EVERYTHING_SERVER, stdioServer, toolContext, toolNamed } from './fixtures/mcp/mcp-test-kit.js';

// A key of ours that must never reach an MCP subprocess.
const OUR_SECRET = 'sk-agentmesh-test-secret-0000';

describe('the reference MCP server (@modelcontextprotocol/server-everything) over stdio', () => {
  let connection: McpConnection;
  const stderr: string[] = [];

  beforeAll(async () => {
    process.env.AGENTMESH_TEST_PROVIDER_KEY = OUR_SECRET;
    connection = await connectMcpServer(
      stdioServer('everything', process.execPath, [EVERYTHING_SERVER, 'stdio'], {
        env: { EVERYTHING_CONFIGURED: 'configured-value' },
      }),
      { defaultTimeoutMs: 20_000, onStderr: (line) => stderr.push(line) },
    );
  });

  afterAll(async () => {
    await connection?.close();
    delete process.env.AGENTMESH_TEST_PROVIDER_KEY;
  });

  it('lists its tools as <server>__<tool> from source mcp:everything, with their JSON Schemas', () => {
    const names = connection.tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['everything__echo', 'everything__get-tiny-image', 'everything__get-env']),
    );
    for (const tool of connection.tools) {
      expect(tool.name).toMatch(TOOL_NAME_PATTERN);
      expect(tool.source).toBe('mcp:everything');
      expect(tool.description).not.toBe('');
    }
    expect(connection.serverToolNames.get('everything__get-tiny-image')).toBe('get-tiny-image');
    const echo = toolNamed(connection, 'everything__echo');
    expect(echo.description).toBe('Echoes back the input string');
    expect(echo.parameters).toMatchObject({
      type: 'object',
      properties: { message: { type: 'string' } },
      required: ['message'],
    });
  });

  it('marks tools without readOnlyHint as side-effecting and read-only ones as not', () => {
    expect(toolNamed(connection, 'everything__echo').sideEffects).toBe(false);
    expect(toolNamed(connection, 'everything__toggle-simulated-logging').sideEffects).toBe(true);
    expect(toolNamed(connection, 'everything__echo').needsApproval).toBe(false);
    expect(toolNamed(connection, 'everything__echo').timeoutMs).toBeUndefined();
  });

  it('calls echo and returns its text', async () => {
    const output = await toolNamed(connection, 'everything__echo').execute(
      { message: 'hello mcp' },
      toolContext(),
    );
    expect(output).toBe('Echo: hello mcp');
  });

  it('returns an image as a reference with its size, between the text parts', async () => {
    const output = await toolNamed(connection, 'everything__get-tiny-image').execute({}, toolContext(1));
    const source = readFileSync(
      EVERYTHING_SERVER.replace(/index\.js$/, 'tools/get-tiny-image.js'),
      'utf8',
    ).match(/MCP_TINY_IMAGE = "([^"]+)"/)?.[1];
    const bytes = Buffer.from(source ?? '', 'base64').length;
    expect(bytes).toBeGreaterThan(0);
    expect(output).toBe(
      `Here's the image you requested:\n[image image/png, ${bytes} bytes, not shown]\nThe image above is the MCP logo.`,
    );
  });

  it('returns an embedded text resource by URI with its text', async () => {
    const output = String(
      await toolNamed(connection, 'everything__get-resource-reference').execute(
        { resourceType: 'Text', resourceId: 1 },
        toolContext(2),
      ),
    );
    expect(output).toContain('[resource demo://resource/dynamic/text/1 text/plain]\nResource 1:');
  });

  it('returns resource links as references', async () => {
    const output = String(
      await toolNamed(connection, 'everything__get-resource-links').execute({ count: 2 }, toolContext(3)),
    );
    expect(output.match(/^\[resource demo:\/\/resource\/dynamic\/\w+\/\d+ [\w/]+\]$/gm)).toHaveLength(2);
  });

  it('passes the SDK-safe variables and the configured env to the subprocess, none of ours', async () => {
    const env = JSON.parse(
      String(await toolNamed(connection, 'everything__get-env').execute({}, toolContext(4))),
    );
    expect(env.EVERYTHING_CONFIGURED).toBe('configured-value');
    expect(env.PATH).toBe(process.env.PATH);
    expect(env.AGENTMESH_TEST_PROVIDER_KEY).toBeUndefined();
    expect(JSON.stringify(env)).not.toContain(OUR_SECRET);
  });

  it('hands the server its stderr lines', () => {
    expect(stderr).toContain('Starting default (STDIO) server...');
  });

  it('returns a tool that throws on the server as an isError result, and the server keeps serving', async () => {
    const output = await toolNamed(connection, 'everything__get-resource-reference').execute(
      { resourceType: 'Text', resourceId: -1 },
      toolContext(5),
    );
    expect(output).toMatchObject({ isError: true });
    expect(typeof output === 'object' && output.content).toContain('Invalid resourceId: -1');
    expect(
      await toolNamed(connection, 'everything__echo').execute({ message: 'still here' }, toolContext(6)),
    ).toBe('Echo: still here');
  });
});
