import { z } from 'zod';

/** One message of a request, with its content flattened to text. */
export interface SimMessage {
  role: string;
  content: string;
}

/** The parts of a chat-completions request the simulator acts on. */
export interface SimChatRequest {
  model: string;
  messages: SimMessage[];
  stream: boolean;
  /** `stream_options.include_usage`: only the 'openai' style depends on it. */
  includeUsage: boolean;
  /** `max_completion_tokens` or `max_tokens`; longer answers are cut with finish_reason 'length'. */
  maxTokens: number | undefined;
  /** As sent; it does not change the answer, but it is part of what identifies a call. */
  temperature: number | undefined;
}

/** Either a parsed request or the reason it is a 400. */
export type ParsedChatRequest = { ok: true; request: SimChatRequest } | { ok: false; message: string };

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
});
const tokenLimit = z.number().int().positive().nullish();
const body = z.looseObject({
  model: z.string().min(1),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().nullish() }).nullish(),
  max_tokens: tokenLimit,
  max_completion_tokens: tokenLimit,
  // Not validated: the simulator never answered differently by temperature, and keeps accepting what it did.
  temperature: z.unknown().optional(),
});

/** Parses and checks a raw request body the way an OpenAI-compatible server would. */
export function parseChatRequest(raw: string): ParsedChatRequest {
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { ok: false, message: 'We could not parse the JSON body of your request.' };
  }
  const result = body.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'body';
    return { ok: false, message: `Invalid request: ${where}: ${issue?.message ?? 'invalid value'}` };
  }
  const data = result.data;
  return {
    ok: true,
    request: {
      model: data.model,
      messages: data.messages.map((m) => ({ role: m.role, content: flattenContent(m.content) })),
      stream: data.stream ?? false,
      includeUsage: data.stream_options?.include_usage ?? false,
      maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined,
      temperature: typeof data.temperature === 'number' ? data.temperature : undefined,
    },
  };
}

function flattenContent(content: string | { text?: string | undefined }[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}
