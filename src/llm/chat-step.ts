import type { ModelInfo } from '../config/resolved-config.js';
import type { ChatRequest, ChatResult, Provider } from './provider.js';

/** One call of one model, as the gateway's layers pass it inwards. */
export interface ModelCall {
  provider: Provider;
  model: ModelInfo;
  request: ChatRequest;
}

/** A step that answers one model call; the innermost one calls the provider. */
export type ChatStep = (call: ModelCall) => Promise<ChatResult>;

/** A layer around a step (timeout now; cache, budget, rate limit and breaker later). */
export type ChatMiddleware = (next: ChatStep) => ChatStep;

/** The innermost step: one provider call, no policy at all. */
export const callProvider: ChatStep = async ({ provider, request }) => provider.chat(request);
