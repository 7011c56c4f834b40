import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Where the recorded provider wire fixtures live (copied from the team's shared reference, so a fresh
 * clone has them), or `AGENTMESH_FIXTURES_DIR`.
 */
export const FIXTURES_DIR =
  process.env.AGENTMESH_FIXTURES_DIR ?? fileURLToPath(new URL('../fixtures/provider-wire/', import.meta.url));

/** One canned HTTP reply. */
export interface FixtureReply {
  /** @default 200 */
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Never answer (the socket stays open until the server closes). */
  hang?: boolean;
  /** Send the headers and this much of the body, then stall without ending. */
  stallAfter?: string;
  /** Send the body, then destroy the socket instead of ending the response. */
  destroyAfterBody?: boolean;
}

/** A request the server received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A running loopback fixture server. */
export interface FixtureServer {
  /** Base URL ending in `/v1`, as providers are configured. */
  baseUrl: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

interface FixtureIndexEntry {
  file: string;
  status?: number;
  headers?: Record<string, string>;
  headers_file?: string;
}

/** A reply serving fixture `file` with the status and headers `index.json` (or its sidecar) lists. */
export function fixtureReply(file: string): FixtureReply {
  const index = JSON.parse(readFileSync(join(FIXTURES_DIR, 'index.json'), 'utf8')) as {
    files: FixtureIndexEntry[];
  };
  const entry = index.files.find((candidate) => candidate.file === file);
  if (!entry) throw new Error(`Fixture ${file} is not listed in ${FIXTURES_DIR}/index.json`);
  const sidecar = entry.headers_file
    ? (JSON.parse(readFileSync(join(FIXTURES_DIR, entry.headers_file), 'utf8')) as {
        status: number;
        headers: Record<string, string>;
      })
    : undefined;
  return {
    status: sidecar?.status ?? entry.status ?? 200,
    headers: sidecar?.headers ?? entry.headers ?? {},
    body: readFileSync(join(FIXTURES_DIR, file), 'utf8'),
  };
}

/** A JSON reply. */
export function jsonReply(body: unknown, status = 200, headers: Record<string, string> = {}): FixtureReply {
  return { status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/**
 * Starts a loopback HTTP server that answers request n with `replies[n]` (the last one repeats),
 * or with `replies(n)`; it records every request.
 */
export async function startFixtureServer(
  replies: FixtureReply[] | ((index: number, request: RecordedRequest) => FixtureReply),
): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const request: RecordedRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headers,
        body: raw ? safeJson(raw) : undefined,
      };
      const index = requests.push(request) - 1;
      const reply =
        typeof replies === 'function' ? replies(index, request) : (replies[index] ?? replies.at(-1));
      if (reply) send(res, reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A loopback port nobody listens on, for connection-refused tests. */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function send(res: ServerResponse, reply: FixtureReply): void {
  if (reply.hang) return;
  res.writeHead(reply.status ?? 200, reply.headers ?? {});
  if (reply.stallAfter !== undefined) {
    res.write(reply.stallAfter);
    return;
  }
  if (reply.destroyAfterBody) {
    res.write(reply.body ?? '', () => res.socket?.destroy());
    return;
  }
  res.end(reply.body ?? '');
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}
