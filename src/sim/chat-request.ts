import { z } from 'zod';

/** A tool call as the simulator reads it from an assistant message, or sends it in an answer. */
export interface SimToolCall {
  id: string;
  name: string;
  /** Raw arguments text, exactly as sent (may be invalid JSON or empty). */
  arguments: string;
}

/** One message of a request, with its content flattened to text. */
export interface SimMessage {
  role: string;
  /** Text; '' when the message had none (an assistant turn that only called tools). */
  content: string;
  /** assistant: the tools this turn called. */
  toolCalls?: SimToolCall[];
  /** tool: the call this message answers. */
  toolCallId?: string;
}

/** `tool_choice`: the function form (`{type:"function",…}`) counts as `required`. */
export type SimToolChoice = 'auto' | 'none' | 'required';

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
  /** Names of the offered tools (`tools[].function.name`), in order; empty when none were offered. */
  tools: string[];
  /** As sent; undefined when absent. */
  toolChoice: SimToolChoice | undefined;
}

/** Either a parsed request or the reason it is a 400. */
export type ParsedChatRequest = { ok: true; request: SimChatRequest } | { ok: false; message: string };

const contentPart = z.looseObject({ type: z.string(), text: z.string().optional() });
const wireToolCall = z.looseObject({
  id: z.string(),
  type: z.literal('function').optional(),
  function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
});
const message = z.looseObject({
  role: z.enum(['system', 'developer', 'user', 'assistant', 'tool']),
  content: z.union([z.string(), z.array(contentPart), z.null()]).optional(),
  tool_calls: z.array(wireToolCall).nullish(),
  tool_call_id: z.string().nullish(),
});
const wireTool = z.looseObject({
  type: z.literal('function'),
  function: z.looseObject({ name: z.string().min(1), description: z.string().optional() }),
});
const toolChoice = z.union([
  z.enum(['auto', 'none', 'required']),
  z.looseObject({ type: z.literal('function'), function: z.looseObject({ name: z.string() }) }),
]);
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
  tools: z.array(wireTool).nullish(),
  tool_choice: toolChoice.nullish(),
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
  const choice = data.tool_choice;
  return {
    ok: true,
    request: {
      model: data.model,
      messages: data.messages.map(toSimMessage),
      stream: data.stream ?? false,
      includeUsage: data.stream_options?.include_usage ?? false,
      maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined,
      temperature: typeof data.temperature === 'number' ? data.temperature : undefined,
      tools: (data.tools ?? []).map((tool) => tool.function.name),
      toolChoice: choice == null ? undefined : typeof choice === 'string' ? choice : 'required',
    },
  };
}

function toSimMessage(wire: z.infer<typeof message>): SimMessage {
  const simMessage: SimMessage = { role: wire.role, content: flattenContent(wire.content) };
  if (wire.role === 'assistant' && wire.tool_calls?.length) {
    simMessage.toolCalls = wire.tool_calls.map((call) => ({
      id: call.id,
      name: call.function.name,
      arguments: call.function.arguments,
    }));
  }
  if (wire.role === 'tool' && wire.tool_call_id != null) simMessage.toolCallId = wire.tool_call_id;
  return simMessage;
}

function flattenContent(content: string | { text?: string | undefined }[] | null | undefined): string {
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content.map((part) => part.text ?? '').join('');
}
