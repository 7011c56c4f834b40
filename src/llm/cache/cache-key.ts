import { createHash } from 'node:crypto';
import type { ChatMessage } from '../../core/index.js';

/**
 * Hashed with every key: bump it when the canonical form changes, so entries written in the old
 * form can never be served for a request they no longer describe (they are simply never hit again).
 */
const CACHE_KEY_VERSION = 'agentmesh-cache-key/v1';

/** The parts of a request that decide its answer; keys and headers are deliberately not among them. */
export interface CacheKeyRequest {
  provider: string;
  model: string;
  messages: readonly CacheKeyMessage[];
  temperature?: number;
  maxTokens?: number;
  /** The offered tools (name, description, parameters); absent or empty: none. */
  tools?: unknown;
  /** Only counted when tools are offered (without tools nothing is sent); absent there means `auto`. */
  toolChoice?: string;
  responseFormat?: unknown;
}

/**
 * The message fields that reach the model; anything else a message carries is not part of the key.
 * Reasoning reaches it only on assistant turns that called tools (DeepSeek wants it back there).
 */
export type CacheKeyMessage = Pick<ChatMessage, 'role' | 'content'> &
  Partial<Pick<ChatMessage, 'toolCalls' | 'toolCallId' | 'reasoningContent'>> & { name?: string };

/**
 * SHA-256 (hex) of the request's canonical JSON: sorted keys, messages reduced to role, content, name, tool
 * calls and tool call id. Tool fields are left out when absent, so a request without tools keys as it did
 * before tools existed (its cache entries stay valid).
 */
export function cacheKey(request: CacheKeyRequest): string {
  const offersTools = Array.isArray(request.tools) ? request.tools.length > 0 : request.tools != null;
  const canonical = canonicalJson({
    provider: request.provider,
    model: request.model,
    messages: request.messages.map(keyedMessage),
    // null, not absent, so "provider default" stays distinct from every explicit value.
    temperature: request.temperature ?? null,
    maxTokens: request.maxTokens ?? null,
    tools: offersTools ? request.tools : null,
    // canonicalJson drops undefined: no tools, no tool choice in the key.
    toolChoice: offersTools ? (request.toolChoice ?? 'auto') : undefined,
    responseFormat: request.responseFormat ?? null,
  });
  return createHash('sha256').update(`${CACHE_KEY_VERSION}\n${canonical}`).digest('hex');
}

function keyedMessage({ role, content, name, toolCalls, toolCallId, reasoningContent }: CacheKeyMessage) {
  const calls = toolCalls?.length
    ? toolCalls.map(({ id, name, arguments: args }) => ({ id, name, arguments: args }))
    : undefined;
  return {
    role,
    content,
    name,
    toolCalls: calls,
    toolCallId,
    reasoningContent: calls ? reasoningContent : undefined,
  };
}

/** JSON with object keys sorted at every depth; undefined members are dropped, as JSON.stringify does. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  // Dates and the like describe themselves through toJSON; their own keys are empty.
  if (typeof (value as { toJSON?: unknown }).toJSON === 'function')
    return canonicalJson((value as { toJSON: () => unknown }).toJSON());
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  const members = Object.keys(value)
    .sort()
    .flatMap((key) => {
      const member = (value as Record<string, unknown>)[key];
      return member === undefined ? [] : [`${JSON.stringify(key)}:${canonicalJson(member)}`];
    });
  return `{${members.join(',')}}`;
}
