import type { Context } from 'hono';
import { type SSEStreamingApi, streamSSE } from 'hono/streaming';
import type { RunService, StartedRun } from '../../runtime/run-service.js';
import type { ServerEnv } from '../server-env.js';
import { answerPieces, type CompletionIdentity, chatCompletionChunk, usageChunk } from './chat-completion.js';
import { OpenAiError, toOpenAiError } from './openai-error.js';
import { runAnswer } from './run-answer.js';

/** Options for {@link streamChatCompletion}. */
export interface StreamChatCompletionOptions {
  runs: RunService;
  started: StartedRun;
  identity: CompletionIdentity;
  /** The agent of an `agent:<id>` model: its tokens are streamed as they come. Null: a team, sent once done. */
  soloAgent: string | null;
  /** Interval of the `: keep-alive` comments while the run works. */
  keepAliveMs: number;
  /** Who asked, for cancelling the run when the client goes away. */
  by: string;
}

/**
 * Answers with `chat.completion.chunk` events: the role at once, keep-alive comments while the run works,
 * the answer's text (live for a solo agent), `finish_reason: "stop"`, the run's usage, then `[DONE]`.
 * A run that fails ends the stream with an `{error}` event, which OpenAI clients raise as an APIError.
 */
export function streamChatCompletion(c: Context<ServerEnv>, options: StreamChatCompletionOptions): Response {
  const { runs, started, identity, soloAgent, keepAliveMs, by } = options;
  return streamSSE(c, async (stream) => {
    // Writes go one after another: token callbacks arrive while an earlier write is still flushing.
    let writing: Promise<void> = Promise.resolve();
    const send = (data: unknown) => {
      writing = writing.then(() =>
        stream.closed ? undefined : stream.writeSSE({ data: JSON.stringify(data) }),
      );
      return writing;
    };
    const comment = () => {
      writing = writing.then(() =>
        stream.closed ? undefined : stream.write(': keep-alive\n\n').then(() => {}),
      );
    };
    stream.onAbort(() => {
      // Nobody reads the answer any more: stop spending tokens on it (the run stays stored, cancelled).
      if (runs.isExecuting(started.runId)) runs.cancel(started.runId, by).catch(() => {});
    });

    let streamed = '';
    const unsubscribe =
      soloAgent === null
        ? () => {}
        : runs.subscribe(started.runId, (event) => {
            if (event.kind !== 'delta' || event.agentId !== soloAgent || event.delta === '') return;
            streamed += event.delta;
            void send(chatCompletionChunk(identity, { content: event.delta }));
          });
    const keepAlive = setInterval(comment, keepAliveMs);
    await send(chatCompletionChunk(identity, { role: 'assistant', content: '' }));
    let outcome: Awaited<StartedRun['done']>;
    try {
      outcome = await started.done;
    } finally {
      clearInterval(keepAlive);
      unsubscribe();
    }
    await writing;
    try {
      const { output, usage } = runAnswer(started.runId, outcome);
      await sendAnswerRest(send, identity, streamed, output, started.runId);
      await send(chatCompletionChunk(identity, {}, 'stop'));
      await send(usageChunk(identity, usage));
      await stream.writeSSE({ data: '[DONE]' });
    } catch (error) {
      await sendError(stream, error);
    }
  });
}

/** Sends what the client has not seen of the answer; refuses when the live tokens were not its beginning. */
async function sendAnswerRest(
  send: (data: unknown) => Promise<void>,
  identity: CompletionIdentity,
  streamed: string,
  output: string,
  runId: string,
): Promise<void> {
  if (!output.startsWith(streamed)) {
    // A call retried halfway, or text before a tool call: what was streamed is not the answer.
    throw OpenAiError.runFailed(
      `The streamed text of run ${runId} is not its final answer (a model call was retried mid-answer); read the answer from GET /api/runs/${runId}.`,
      'stream_mismatch',
    );
  }
  for (const piece of answerPieces(output.slice(streamed.length))) {
    await send(chatCompletionChunk(identity, { content: piece }));
  }
}

async function sendError(stream: SSEStreamingApi, error: unknown): Promise<void> {
  if (stream.closed) return;
  await stream.writeSSE({ data: JSON.stringify(toOpenAiError(error).body) });
}
