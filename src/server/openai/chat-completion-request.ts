import { z } from 'zod';
import { formatPath } from '../../config/config-path.js';
import { OpenAiError } from './openai-error.js';

/** A text part of a message's content; images and audio are not something a team can read. */
const textPart = z.object({ type: z.literal('text'), text: z.string() });

/** One message of the conversation; tool and function fields are accepted and ignored. */
const messageSchema = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool'], {
    error: 'expected one of system, developer, user, assistant, tool',
  }),
  content: z.union([z.string(), z.array(textPart), z.null()], {
    error: 'expected a string or a list of text parts ({"type": "text", "text": "…"})',
  }),
});

/**
 * The `POST /v1/chat/completions` body we accept. Sampling options (temperature, top_p, max_tokens, …) are
 * allowed and ignored: each agent keeps the settings of its definition.
 */
export const chatCompletionRequestSchema = z.looseObject({
  model: z.string({ error: 'expected a model: team:<name> or agent:<id>' }).min(1),
  messages: z.array(messageSchema, { error: 'expected a list of messages' }).min(1, {
    error: 'expected at least one message',
  }),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  n: z.literal(1, { error: 'only n: 1 is supported (a run gives one answer)' }).nullish(),
  tools: z
    .array(z.unknown())
    .max(0, { error: 'client-side tools are not supported; agents use their own tools' })
    .nullish(),
});

/** A parsed chat completion request. */
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/** One message of a parsed request. */
export type ChatMessage = z.infer<typeof messageSchema>;

/**
 * Parses a request body (text).
 * @throws OpenAiError 400 `invalid_request_error` with `param` naming the first bad field.
 */
export function parseChatCompletionRequest(body: string): ChatCompletionRequest {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw OpenAiError.badRequest(
      'The request body is not JSON; send {"model": "team:<name>", "messages": [{"role": "user", "content": "…"}]}.',
      null,
    );
  }
  const result = chatCompletionRequestSchema.safeParse(json);
  if (result.success) return result.data;
  const [issue] = result.error.issues;
  const param = issue === undefined || issue.path.length === 0 ? null : formatPath(issue.path);
  throw OpenAiError.badRequest(`${param ?? 'body'}: ${issue?.message ?? 'invalid request'}.`, param);
}
