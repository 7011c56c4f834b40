import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';

/** Largest request body accepted; a simulator has no reason to take more. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Reads the whole request body as UTF-8, or undefined when it exceeds {@link MAX_BODY_BYTES}. */
export async function readBody(req: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Sends a complete JSON response. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'Content-Type': 'application/json',
    'Content-Length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Writes unless the client is gone; returns whether the response is still writable. */
export function writeIfOpen(res: ServerResponse, text: string, signal: AbortSignal): boolean {
  if (signal.aborted || res.destroyed || res.writableEnded) return false;
  res.write(text);
  return true;
}

/** Writes and waits until the bytes reached the socket, so a following destroy cannot drop them. */
export function writeFlushed(res: ServerResponse, text: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) return resolve();
    // The write callback may never run if the socket dies first; 'close' covers that case.
    const done = () => {
      res.off('close', done);
      resolve();
    };
    res.once('close', done);
    res.write(text, done);
  });
}

/** Waits `ms`; false when the client went away first (the caller then stops writing). */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
