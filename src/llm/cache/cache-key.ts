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
  tools?: unknown;
  responseFormat?: unknown;
}

/** The message fields that reach the model; anything else a message carries is not part of the key. */
export type CacheKeyMessage = Pick<ChatMessage, 'role' | 'content'> & { name?: string };

/** SHA-256 (hex) of the request's canonical JSON: sorted keys, messages reduced to role, content, name. */
export function cacheKey(request: CacheKeyRequest): string {
  const canonical = canonicalJson({
    provider: request.provider,
    model: request.model,
    messages: request.messages.map(({ role, content, name }) => ({ role, content, name })),
    // null, not absent, so "provider default" stays distinct from every explicit value.
    temperature: request.temperature ?? null,
    maxTokens: request.maxTokens ?? null,
    tools: request.tools ?? null,
    responseFormat: request.responseFormat ?? null,
  });
  return createHash('sha256').update(`${CACHE_KEY_VERSION}\n${canonical}`).digest('hex');
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
