import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMeshError } from '../../errors/index.js';
import type { ToolContext } from '../tool.js';
import { isHostAllowed } from './host-allowlist.js';
import { HTTP_GET_MAX_REDIRECTS, httpGetTool } from './http-get-tool.js';

let server: Server;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((request, response) => {
    const path = request.url ?? '/';
    hits.push(path);
    if (path === '/hello') {
      response.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('héllo from the server');
    } else if (path === '/json') {
      response.writeHead(201, { 'content-type': 'application/json' }).end('{"ok":true}');
    } else if (path === '/to-hello') {
      response.writeHead(302, { location: '/hello' }).end();
    } else if (path === '/to-localhost') {
      response.writeHead(301, { location: `http://localhost:${port}/hello` }).end();
    } else if (path === '/to-refused') {
      response.writeHead(307, { location: `http://refused.test:${port}/secret` }).end();
    } else if (path === '/loop') {
      response.writeHead(302, { location: '/loop' }).end();
    } else if (path === '/big') {
      response.writeHead(200, { 'content-type': 'text/plain' });
      // Much more than maxBytes, in many writes: the tool must stop reading early.
      for (let i = 0; i < 200; i++) response.write('é'.repeat(500));
      response.end();
    } else if (path === '/image') {
      response.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0]));
    } else if (path === '/slow') {
      setTimeout(() => response.writeHead(200).end('late'), 2_000).unref();
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const context = (signal = new AbortController().signal): ToolContext => ({
  runId: 'run-1',
  stepId: 'researcher',
  agentId: 'researcher',
  idempotencyKey: 'run-1/researcher#0',
  workspace: '/nonexistent',
  signal,
});

const tool = (overrides: { allowHosts?: string[]; maxBytes?: number; timeoutMs?: number } = {}) =>
  httpGetTool({ allowHosts: ['127.0.0.1', 'localhost'], timeoutMs: 5_000, maxBytes: 10_000, ...overrides });

async function failure(promise: Promise<unknown>): Promise<AgentMeshError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error, 'expected the call to fail').not.toBeNull();
  return error as AgentMeshError;
}

describe('http_get', () => {
  it('returns status, content type and the text of an allowed host', async () => {
    expect(await tool().execute({ url: `http://127.0.0.1:${port}/hello` }, context())).toBe(
      'HTTP 200 OK\ncontent-type: text/plain; charset=utf-8\n\nhéllo from the server',
    );
    expect(await tool().execute({ url: `http://localhost:${port}/json` }, context())).toBe(
      'HTTP 201 Created\ncontent-type: application/json\n\n{"ok":true}',
    );
    expect(await tool().execute({ url: `http://127.0.0.1:${port}/missing` }, context())).toContain(
      'HTTP 404 Not Found',
    );
  });

  it('refuses a host not on the allowlist without sending anything', async () => {
    const before = hits.length;
    const error = await failure(
      tool({ allowHosts: ['localhost'] }).execute({ url: `http://127.0.0.1:${port}/hello` }, context()),
    );
    expect(error.code).toBe('tool_refused');
    expect(error.message).toBe(
      'Host 127.0.0.1 is not on the allowlist (allowed: localhost); use a URL on an allowed host.',
    );
    expect(hits.length).toBe(before);
  });

  it('refuses other schemes, credentials in the URL, and says an invalid URL is invalid', async () => {
    expect((await failure(tool().execute({ url: 'file:///etc/passwd' }, context()))).code).toBe(
      'tool_refused',
    );
    expect((await failure(tool().execute({ url: `ftp://127.0.0.1:${port}/` }, context()))).code).toBe(
      'tool_refused',
    );
    expect((await failure(tool().execute({ url: `http://u:p@127.0.0.1:${port}/` }, context()))).code).toBe(
      'tool_refused',
    );
    const invalid = await failure(tool().execute({ url: 'not a url' }, context()));
    expect(invalid.code).toBe('tool_failed');
    expect(invalid.message).toContain('not a valid URL');
  });

  it('follows redirects to allowed hosts and names the final URL', async () => {
    const relative = await tool().execute({ url: `http://127.0.0.1:${port}/to-hello` }, context());
    expect(relative).toContain(`final URL: http://127.0.0.1:${port}/hello`);
    expect(relative).toContain('héllo from the server');
    const otherHost = await tool().execute({ url: `http://127.0.0.1:${port}/to-localhost` }, context());
    expect(otherHost).toContain(`final URL: http://localhost:${port}/hello`);
  });

  it('refuses a redirect to a host not on the allowlist, before following it', async () => {
    const error = await failure(tool().execute({ url: `http://127.0.0.1:${port}/to-refused` }, context()));
    expect(error.code).toBe('tool_refused');
    expect(error.message).toContain(
      `Host refused.test is not on the allowlist (a redirect from http://127.0.0.1:${port}/to-refused)`,
    );
    const onlyLoopback = await failure(
      tool({ allowHosts: ['127.0.0.1'] }).execute(
        { url: `http://127.0.0.1:${port}/to-localhost` },
        context(),
      ),
    );
    expect(onlyLoopback.code).toBe('tool_refused');
    expect(hits).not.toContain('/secret');
  });

  it('stops after too many redirects', async () => {
    const before = hits.length;
    const error = await failure(tool().execute({ url: `http://127.0.0.1:${port}/loop` }, context()));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toContain(`redirected more than ${HTTP_GET_MAX_REDIRECTS} times`);
    expect(hits.length - before).toBe(HTTP_GET_MAX_REDIRECTS + 1);
  });

  it('cuts the body at maxBytes on a character boundary and says so', async () => {
    const text = (await tool({ maxBytes: 1_001 }).execute(
      { url: `http://127.0.0.1:${port}/big` },
      context(),
    )) as string;
    const body = text.split('\n\n')[1]!.split('\n')[0]!;
    expect(body).toBe('é'.repeat(500));
    expect(text).toContain('[truncated: the first 1000 bytes are shown (tools.http.maxBytes is 1001)]');
  });

  it('describes binary content instead of dumping it', async () => {
    expect(await tool().execute({ url: `http://127.0.0.1:${port}/image` }, context())).toBe(
      'HTTP 200 OK\ncontent-type: image/png\n\n(5 bytes of image/png; not shown as text)',
    );
  });

  it('gives up at tools.http.timeoutMs with tool_timeout', async () => {
    const error = await failure(
      tool({ timeoutMs: 100 }).execute({ url: `http://127.0.0.1:${port}/slow` }, context()),
    );
    expect(error.code).toBe('tool_timeout');
    expect(error.message).toContain('after 100 ms');
  });

  it('says a refused connection is one', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = await failure(tool().execute({ url: `http://127.0.0.1:${closedPort}/` }, context()));
    expect(error.code).toBe('tool_failed');
    expect(error.message).toContain('connection refused');
  });

  it('stops when the run is cancelled', async () => {
    const controller = new AbortController();
    const call = tool().execute({ url: `http://127.0.0.1:${port}/slow` }, context(controller.signal));
    controller.abort(new Error('run cancelled'));
    await expect(call).rejects.toThrow('run cancelled');
  });
});

describe('isHostAllowed', () => {
  it('matches exact names and subdomain wildcards, ignoring case, brackets and a trailing dot', () => {
    const allow = ['Docs.Example.com', '*.internal.test', '::1'];
    expect(isHostAllowed('docs.example.com.', allow)).toBe(true);
    expect(isHostAllowed('api.docs.example.com', allow)).toBe(false);
    expect(isHostAllowed('a.internal.test', allow)).toBe(true);
    expect(isHostAllowed('a.b.internal.test', allow)).toBe(true);
    expect(isHostAllowed('internal.test', allow)).toBe(false);
    expect(isHostAllowed('evilinternal.test', allow)).toBe(false);
    expect(isHostAllowed('[::1]', allow)).toBe(true);
    expect(isHostAllowed('example.com', [])).toBe(false);
  });
});
