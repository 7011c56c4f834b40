import type { ServerResponse } from 'node:http';
import { MIDSTREAM_ERROR } from './error-bodies.js';
import { pause, writeFlushed } from './http-io.js';
import type { SimStyle } from './simulator-options.js';
import type { StreamFault } from './stream-response.js';

/** Everything needed to send one non-streamed answer. */
export interface JsonJob {
  res: ServerResponse;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  style: SimStyle;
  body: Record<string, unknown>;
  headers: Record<string, string>;
  /** Time before the body: time-to-first-token plus generation time. */
  waitMs: number;
  fault: StreamFault | undefined;
}

/** Sends a `chat.completion` body after the wait, or the broken variant a fault asks for. */
export async function sendCompletionJson(job: JsonJob): Promise<void> {
  const { res, signal, fault } = job;
  // OpenRouter can answer 200 with an error body when the provider fails after routing.
  const text = JSON.stringify(fault === 'midstream_error' ? { error: MIDSTREAM_ERROR } : job.body);
  const queued = job.style === 'deepseek' && job.waitMs > 0;
  if (queued) {
    // DeepSeek holds queued non-stream requests open with blank lines before the JSON.
    res.writeHead(200, { ...job.headers, 'Content-Type': 'application/json' });
    res.write('\n');
  }
  if (!(await pause(job.waitMs, signal))) return;
  if (fault === 'stream_cut') {
    // Promise the whole body, deliver half, then drop the connection.
    if (!queued) {
      res.writeHead(200, {
        ...job.headers,
        'Content-Type': 'application/json',
        'Content-Length': byteLength(text),
      });
    }
    await writeFlushed(res, half(text));
    res.destroy();
    return;
  }
  const payload = fault === 'malformed_json' ? half(text) : text;
  if (!queued) {
    res.writeHead(200, {
      ...job.headers,
      'Content-Type': 'application/json',
      'Content-Length': byteLength(payload),
    });
  }
  res.end(payload);
}

function half(text: string): string {
  return text.slice(0, Math.floor(text.length / 2));
}

function byteLength(text: string): number {
  return Buffer.byteLength(text);
}
