import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { CompletionMeta } from './completion-wire.js';
import { planStream } from './stream-plan.js';
import { sendStream } from './stream-response.js';

const meta: CompletionMeta = {
  style: 'openai',
  id: 'chatcmpl-test',
  model: 'm',
  created: 0,
  includeUsage: false,
};
const answer = { content: 'one two three four five six seven eight nine ten', reasoning: '' };

describe('sendStream', () => {
  let server: Server | undefined;
  afterEach(() => {
    server?.closeAllConnections();
    server?.close();
  });

  it('stops pacing and writing as soon as the client disconnects', async () => {
    let finished!: Promise<void>;
    let writesAfterAbort = 0;
    server = createServer((_req, res) => {
      const controller = new AbortController();
      res.once('close', () => controller.abort());
      const write = res.write.bind(res) as (chunk: string) => boolean;
      res.write = ((chunk: string) => {
        if (controller.signal.aborted) writesAfterAbort++;
        return write(chunk);
      }) as typeof res.write;
      const plan = planStream(meta, answer, 'stop', {});
      // An hour of latency: only honouring the abort lets this promise settle within the test timeout.
      finished = sendStream({
        res,
        signal: controller.signal,
        meta,
        plan,
        headers: {},
        ttftMs: 0,
        latencyMs: 3_600_000,
        fault: undefined,
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const controller = new AbortController();
    const res = await fetch(`http://127.0.0.1:${port}/`, { signal: controller.signal });
    const reader = res.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toContain('"role":"assistant"');
    controller.abort();
    await finished;
    expect(writesAfterAbort).toBe(0);
  });
});
