/// <reference types="node" />
// The dashboard's SSE reader against a real loopback server (the browser test covers it end to end).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { followEventStream, readSse, type SseMessage } from './event-stream';

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(encoder.encode(chunk));
      controller.close();
    },
  });
}

async function collect(chunks: string[]): Promise<SseMessage[]> {
  const messages: SseMessage[] = [];
  for await (const message of readSse(streamOf(chunks))) messages.push(message);
  return messages;
}

describe('readSse', () => {
  it('parses events split anywhere across chunks, with CRLF, comments and multi-line data', async () => {
    const messages = await collect([
      ': heartbeat\n\nevent: run-',
      'event\nid: 7\ndata: {"a":',
      '1}\r',
      '\n\r\nevent: text-delta\ndata: line one\ndata: line two\n\n',
      'data: no event name\n\n',
    ]);
    expect(messages).toEqual([
      { event: 'run-event', data: '{"a":1}', id: '7' },
      { event: 'text-delta', data: 'line one\nline two' },
      { event: 'message', data: 'no event name' },
    ]);
  });

  it('keeps an `end` event that has no data, and drops an unfinished last event', async () => {
    expect(await collect(['event: end\n\n', 'event: run-event\ndata: {}'])).toEqual([
      { event: 'end', data: '' },
    ]);
  });
});

describe('followEventStream', () => {
  let server: Server | undefined;

  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
  });

  async function listen(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
    server = createServer(handler);
    await new Promise<void>((done) => server?.listen(0, '127.0.0.1', done));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/events`;
  }

  it('reconnects after a dropped connection with Last-Event-ID and stops at `end`', async () => {
    const lastIds: (string | undefined)[] = [];
    const url = await listen((req, res) => {
      const lastId = req.headers['last-event-id'] as string | undefined;
      lastIds.push(lastId);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      if (lastId === undefined) {
        // The first connection drops after two events.
        res.end('event: run-event\nid: 1\ndata: one\n\nevent: run-event\nid: 2\ndata: two\n\n');
      } else {
        res.end(`event: run-event\nid: 3\ndata: three\n\nevent: end\ndata: {}\n\n`);
      }
    });
    const seen: string[] = [];
    const statuses: string[] = [];
    await followEventStream(url, {
      signal: new AbortController().signal,
      retryMs: 10,
      onMessage: (message) => seen.push(`${message.event}:${message.data}`),
      onStatus: (status) => statuses.push(status),
    });
    expect(lastIds).toEqual([undefined, '2']);
    expect(seen).toEqual(['run-event:one', 'run-event:two', 'run-event:three', 'end:{}']);
    expect(statuses.at(-1)).toBe('ended');
  });

  it('gives up on a 4xx answer instead of retrying', async () => {
    let calls = 0;
    const url = await listen((_req, res) => {
      calls += 1;
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { code: 'run_not_found', message: 'No run r1.' } }));
    });
    const statuses: string[] = [];
    await followEventStream(url, {
      signal: new AbortController().signal,
      retryMs: 10,
      onMessage: () => {},
      onStatus: (status, detail) => statuses.push(`${status}:${detail ?? ''}`),
    });
    expect(calls).toBe(1);
    expect(statuses).toEqual(['failed:No run r1.']);
  });
});
