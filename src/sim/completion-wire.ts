import { randomBytes, randomUUID } from 'node:crypto';
import type { SimToolCall } from './chat-request.js';
import type { SimAnswer } from './role-answers.js';
import type { SimStyle } from './simulator-options.js';

/** What every body and chunk of one response shares. */
export interface CompletionMeta {
  style: SimStyle;
  id: string;
  model: string;
  /** Unix seconds. */
  created: number;
  /** The request's `stream_options.include_usage`. */
  includeUsage: boolean;
}

/** The provider label OpenRouter puts in `provider`. */
export const SIM_PROVIDER_NAME = 'AgentMeshSim';

/** A response id in the provider's own format: `gen-…` (OpenRouter), a UUID (DeepSeek), `chatcmpl-…` (OpenAI). */
export function newCompletionId(style: SimStyle, now: Date = new Date()): string {
  if (style === 'deepseek') return randomUUID();
  if (style === 'openai') return `chatcmpl-${randomBytes(12).toString('hex')}`;
  return `gen-${Math.floor(now.getTime() / 1000)}-${randomBytes(10).toString('hex')}`;
}

/** A non-streaming `chat.completion` body. */
export function completionBody(
  meta: CompletionMeta,
  answer: SimAnswer,
  finishReason: string,
  usage: Record<string, unknown>,
): Record<string, unknown> {
  const { style } = meta;
  const calls = answer.toolCalls ?? [];
  // A tool-call turn has `content: null`, as OpenAI-compatible servers send it.
  const message: Record<string, unknown> = {
    role: 'assistant',
    content: calls.length > 0 && answer.content === '' ? null : answer.content,
  };
  if (calls.length > 0) message.tool_calls = calls.map(wireToolCall);
  if (style === 'deepseek') message.reasoning_content = answer.reasoning;
  if (style === 'openrouter') Object.assign(message, { refusal: null, reasoning: null });
  if (style === 'openai') Object.assign(message, { refusal: null, annotations: [] });
  const choice: Record<string, unknown> = { index: 0, message, logprobs: null, finish_reason: finishReason };
  if (style === 'openrouter') choice.native_finish_reason = finishReason;
  return {
    ...envelope(meta, 'chat.completion'),
    choices: [choice],
    system_fingerprint: fingerprint(style),
    usage,
  };
}

/** A tool call in the OpenAI wire shape of a non-streamed message. */
export function wireToolCall(call: SimToolCall): Record<string, unknown> {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/** A `chat.completion.chunk` with one choice carrying `delta`. */
export function deltaChunk(
  meta: CompletionMeta,
  delta: Record<string, unknown>,
  finishReason: string | null = null,
): Record<string, unknown> {
  const choice: Record<string, unknown> = { index: 0, delta, finish_reason: finishReason, logprobs: null };
  if (meta.style === 'openrouter') choice.native_finish_reason = finishReason;
  return { ...chunkEnvelope(meta), choices: [choice] };
}

/** The usage-only chunk (`choices: []`) that OpenRouter always, and OpenAI on request, sends last. */
export function usageChunk(meta: CompletionMeta, usage: Record<string, unknown>): Record<string, unknown> {
  return { ...chunkEnvelope(meta), choices: [], usage };
}

/** The mid-stream failure chunk: a top-level `error` plus a choice finished with 'error'. */
export function errorChunk(meta: CompletionMeta, error: Record<string, unknown>): Record<string, unknown> {
  const choice = { index: 0, delta: { content: '' }, finish_reason: 'error', native_finish_reason: null };
  return { ...envelope(meta, 'chat.completion.chunk'), error, choices: [choice] };
}

function chunkEnvelope(meta: CompletionMeta): Record<string, unknown> {
  const base = envelope(meta, 'chat.completion.chunk');
  // DeepSeek sends `usage: null` on every chunk; OpenAI only when usage was requested.
  if (meta.style === 'deepseek') return { ...base, system_fingerprint: fingerprint('deepseek'), usage: null };
  if (meta.style === 'openai' && meta.includeUsage) return { ...base, usage: null };
  return base;
}

function envelope(meta: CompletionMeta, object: string): Record<string, unknown> {
  const head: Record<string, unknown> = { id: meta.id };
  if (meta.style === 'openrouter') head.provider = SIM_PROVIDER_NAME;
  return { ...head, model: meta.model, object, created: meta.created };
}

function fingerprint(style: SimStyle): string {
  return style === 'deepseek' ? 'fp_sim_deepseek' : 'fp_sim';
}
