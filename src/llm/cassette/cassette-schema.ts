import { z } from 'zod';
import { CASSETTE_FORMAT, type CassetteExchange, type CassetteHeader } from './cassette-format.js';

const usage = z.object({
  promptTokens: z.number(),
  completionTokens: z.number(),
  cachedTokens: z.number(),
  reasoningTokens: z.number(),
  providerCostUsd: z.number().optional(),
  raw: z.unknown(),
});

const toolCall = z.object({ id: z.string(), name: z.string(), arguments: z.string() });

const request = z.object({
  provider: z.string(),
  model: z.string(),
  messages: z.array(
    z.object({
      role: z.enum(['system', 'user', 'assistant', 'tool']),
      content: z.string(),
      reasoningContent: z.string().optional(),
      toolCalls: z.array(toolCall).optional(),
      toolCallId: z.string().optional(),
    }),
  ),
  temperature: z.number().optional(),
  maxTokens: z.number().optional(),
  tools: z.unknown().optional(),
  toolChoice: z.string().optional(),
  responseFormat: z.unknown().optional(),
  stream: z.boolean(),
});

const answer = z.object({
  ok: z.literal(true),
  content: z.string().nullable(),
  toolCalls: z.array(toolCall).optional(),
  reasoningContent: z.string().optional(),
  finishReason: z.string().nullable(),
  model: z.string(),
  requestId: z.string().optional(),
  usage,
});

const failure = z.object({
  ok: z.literal(false),
  error: z.object({
    code: z.enum([
      'llm_http',
      'llm_timeout',
      'llm_network',
      'llm_empty_response',
      'llm_malformed_response',
      'llm_stream_interrupted',
      'circuit_open',
      'rate_limit_queue_full',
      'rate_limit_timeout',
    ]),
    message: z.string(),
    retryable: z.boolean(),
    status: z.number().optional(),
    retryAfterMs: z.number().optional(),
    requestId: z.string().optional(),
  }),
});

/** The first line of a cassette. Any version is accepted here; the reader checks it. */
export const cassetteHeaderSchema: z.ZodType<CassetteHeader> = z.object({
  format: z.literal(CASSETTE_FORMAT),
  version: z.number().int(),
  recordedAt: z.string(),
});

/** Every line after the header. */
export const cassetteExchangeSchema: z.ZodType<CassetteExchange> = z.object({
  seq: z.number().int().min(1),
  key: z.string(),
  request,
  outcome: z.discriminatedUnion('ok', [answer, failure]),
});
