import { LlmCallError } from '../errors/index.js';
import type { ChatRequest, ChatResult, Provider } from '../llm/provider.js';

/** One scripted answer: text, or a failure to inject. */
export type ScriptedReply = string | { fail: { status: number; retryable?: boolean; message?: string } };

/**
 * A Provider that answers from a script instead of the network, for testing teams without keys.
 * `reply` gets each request (with the agent's system prompt) and returns what the model should say.
 * @example new ScriptedProvider({ id: 'mock', reply: (req) => (req.messages[0]?.content.includes('Critic') ? 'APPROVED' : 'ok') })
 */
export class ScriptedProvider implements Provider {
  readonly id: string;
  readonly requests: ChatRequest[] = [];
  readonly #reply: (request: ChatRequest, index: number) => ScriptedReply;
  readonly #costUsdPerCall: number | undefined;

  constructor({
    id = 'mock',
    reply,
    costUsdPerCall,
  }: {
    id?: string;
    reply: (request: ChatRequest, index: number) => ScriptedReply;
    /** Reported as the provider's own cost of each answer (like OpenRouter's `usage.cost`). */
    costUsdPerCall?: number;
  }) {
    this.id = id;
    this.#reply = reply;
    this.#costUsdPerCall = costUsdPerCall;
  }

  /** Answers one request from the script; usage counts characters / 4 as tokens. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    const index = this.requests.push(request) - 1;
    const reply = this.#reply(request, index);
    if (typeof reply !== 'string') {
      const {
        status,
        retryable = status >= 500 || status === 429,
        message = `scripted HTTP ${status}`,
      } = reply.fail;
      throw new LlmCallError({
        code: 'llm_http',
        message,
        provider: this.id,
        model: request.model,
        status,
        isRetryable: retryable,
      });
    }
    request.onTextDelta?.(reply);
    const promptChars = request.messages.reduce((sum, m) => sum + m.content.length, 0);
    return {
      content: reply,
      finishReason: 'stop',
      model: request.model,
      usage: {
        promptTokens: Math.ceil(promptChars / 4),
        completionTokens: Math.ceil(reply.length / 4),
        cachedTokens: 0,
        reasoningTokens: 0,
        ...(this.#costUsdPerCall !== undefined && { providerCostUsd: this.#costUsdPerCall }),
        raw: null,
      },
    };
  }

  /** The scripted provider lists no models. */
  async listModels(): Promise<string[]> {
    return [];
  }
}
