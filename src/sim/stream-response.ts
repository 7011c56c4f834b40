import type { ServerResponse } from 'node:http';
import { type CompletionMeta, deltaChunk, errorChunk } from './completion-wire.js';
import { MIDSTREAM_ERROR } from './error-bodies.js';
import { pause, writeFlushed, writeIfOpen } from './http-io.js';
import type { SimFault } from './sim-fault.js';
import { dataFrame, type StreamPlan } from './stream-plan.js';

/** Faults that change a stream after its 200 status was sent. */
export type StreamFault = Extract<SimFault, 'malformed_json' | 'stream_cut' | 'midstream_error'>;

/** Everything needed to send one streamed answer. */
export interface StreamJob {
  res: ServerResponse;
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  meta: CompletionMeta;
  plan: StreamPlan;
  headers: Record<string, string>;
  ttftMs: number;
  latencyMs: number;
  fault: StreamFault | undefined;
}

/** Streams a planned answer as SSE, pacing chunks and breaking the stream as the fault says. */
export async function sendStream(job: StreamJob): Promise<void> {
  const { res, signal, plan, fault } = job;
  res.writeHead(200, { ...job.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
  res.flushHeaders();
  for (const frame of plan.opening) writeIfOpen(res, frame, signal);
  if (!(await pause(job.ttftMs, signal)) || !writeIfOpen(res, plan.head, signal)) return;

  // Faults strike after some content went out, as in the captured provider failures.
  const contentFrames = plan.body.length - plan.reasoningFrames;
  const cut = fault ? plan.reasoningFrames + Math.max(1, Math.floor(contentFrames / 2)) : plan.body.length;
  const frames = plan.body.slice(0, cut);
  const perFrameMs = plan.body.length > 0 ? job.latencyMs / plan.body.length : 0;
  for (const frame of frames) {
    if (!(await pause(perFrameMs, signal)) || !writeIfOpen(res, frame, signal)) return;
  }
  if (fault === 'stream_cut') {
    await writeFlushed(res, '');
    res.destroy();
    return;
  }
  const tail = fault ? faultTail(job.meta, fault) : plan.finish;
  for (const frame of tail) {
    if (!writeIfOpen(res, frame, signal)) return;
  }
  res.end();
}

function faultTail(meta: CompletionMeta, fault: Exclude<StreamFault, 'stream_cut'>): string[] {
  if (fault === 'midstream_error') {
    // The reference fixture ends right after the error chunk, without [DONE].
    return [dataFrame(errorChunk(meta, MIDSTREAM_ERROR))];
  }
  const whole = JSON.stringify(deltaChunk(meta, { content: ' and then the JSON breaks' }));
  return [`data: ${whole.slice(0, Math.floor(whole.length / 2))}\n\n`, 'data: [DONE]\n\n'];
}
