import { authHeaders } from './api-key';
import { errorOf } from './client';

/** One Server-Sent Event as parsed from the stream. */
export interface SseMessage {
  event: string;
  data: string;
  id?: string;
}

/** Options for {@link followEventStream}. */
export interface FollowOptions {
  /** Called for every event, in order. */
  onMessage(message: SseMessage): void;
  /** Connection state changes, for a "live / reconnecting" indicator. */
  onStatus?(status: 'live' | 'reconnecting' | 'ended' | 'failed', detail?: string): void;
  signal: AbortSignal;
  /** @default 1000 */
  retryMs?: number;
  /** Resume after this id from the first request on (a stream restarted after it ended). */
  lastEventId?: string;
}

/**
 * Reads an SSE endpoint with fetch (EventSource cannot send `Authorization`), reconnecting with
 * `Last-Event-ID` set to the last id seen until an `end` event arrives or `signal` aborts.
 */
export async function followEventStream(url: string, options: FollowOptions): Promise<void> {
  const { onMessage, onStatus, signal, retryMs = 1000 } = options;
  let lastId = options.lastEventId;
  while (!signal.aborted) {
    try {
      const headers: Record<string, string> = { accept: 'text/event-stream', ...authHeaders() };
      if (lastId !== undefined) headers['last-event-id'] = lastId;
      const response = await fetch(url, { headers, signal });
      if (!response.ok || !response.body) {
        const error = await errorOf(response);
        // 4xx will not get better by retrying (unknown run, no key).
        if (response.status >= 400 && response.status < 500) {
          onStatus?.('failed', error.message);
          return;
        }
        throw error;
      }
      onStatus?.('live');
      let ended = false;
      for await (const message of readSse(response.body)) {
        if (message.id !== undefined) lastId = message.id;
        onMessage(message);
        if (message.event === 'end') ended = true;
      }
      if (ended) {
        onStatus?.('ended');
        return;
      }
    } catch (error) {
      if (signal.aborted) return;
      onStatus?.('reconnecting', error instanceof Error ? error.message : String(error));
    }
    if (signal.aborted) return;
    onStatus?.('reconnecting');
    await sleep(retryMs, signal);
  }
}

/** Parses a `text/event-stream` body into messages (comments and `retry:` ignored). */
export async function* readSse(body: ReadableStream<Uint8Array>): AsyncGenerator<SseMessage> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  let event = '';
  let data: string[] = [];
  let id: string | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let newline = buffer.search(/\r\n|\r|\n/);
      while (newline >= 0) {
        // A lone `\r` at the end may be the first half of `\r\n`: wait for the next chunk.
        if (buffer[newline] === '\r' && newline === buffer.length - 1) break;
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
        if (line === '') {
          // An `end` without data still counts (the spec would drop it; we must see it to stop).
          if (data.length > 0 || event !== '') {
            yield { event: event || 'message', data: data.join('\n'), ...(id !== undefined && { id }) };
          }
          event = '';
          data = [];
          id = undefined;
        } else if (!line.startsWith(':')) {
          const colon = line.indexOf(':');
          const field = colon < 0 ? line : line.slice(0, colon);
          const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
          if (field === 'event') event = value;
          else if (field === 'data') data.push(value);
          else if (field === 'id') id = value;
        }
        newline = buffer.search(/\r\n|\r|\n/);
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
