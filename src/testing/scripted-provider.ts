import type { ToolCall } from '../core/index.js';
import { LlmCallError } from '../errors/index.js';
import type { ChatRequest, ChatResult, Provider } from '../llm/provider.js';

/** A tool call in a script: `id` defaults to `call_<request index>_<position>`; object arguments are sent as JSON. */
export interface ScriptedToolCall {
  id?: string;
  name: string;
  /** Raw text (sent as is, so it may be invalid JSON) or an object. */
  arguments: string | Record<string, unknown>;
}

/**
 * One scripted answer: text, tool calls (with optional text and reasoning), or a failure to inject.
 * @example { toolCalls: [{ name: 'read_file', arguments: { path: 'a.txt' } }] }
 */
export type ScriptedReply =
  | string
  | { toolCalls: ScriptedToolCall[]; content?: string; reasoningContent?: string }
  | { fail: { status: number; retryable?: boolean; message?: string } };

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

  /** Answers one request from the script; usage counts characters / 4 as tokens (tool-call arguments included). */
  async chat(request: ChatRequest): Promise<ChatResult> {
    const index = this.requests.push(request) - 1;
    const reply = this.#reply(request, index);
    if (typeof reply !== 'string' && 'fail' in reply) throw this.#failure(request, reply.fail);
    const content = typeof reply === 'string' ? reply : (reply.content ?? '');
    const toolCalls = typeof reply === 'string' ? undefined : toolCallsOf(reply.toolCalls, index);
    const reasoningContent = typeof reply === 'string' ? undefined : reply.reasoningContent;
    if (content !== '') request.onTextDelta?.(content);
    const promptChars = request.messages.reduce(
      (sum, m) => sum + m.content.length + argumentChars(m.toolCalls),
      0,
    );
    return {
      content,
      ...(toolCalls ? { toolCalls } : {}),
      ...(reasoningContent ? { reasoningContent } : {}),
      finishReason: toolCalls ? 'tool_calls' : 'stop',
      model: request.model,
      usage: {
        promptTokens: Math.ceil(promptChars / 4),
        completionTokens: Math.ceil((content.length + argumentChars(toolCalls)) / 4),
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

  #failure(
    request: ChatRequest,
    fail: { status: number; retryable?: boolean; message?: string },
  ): LlmCallError {
    const { status, retryable = status >= 500 || status === 429, message = `scripted HTTP ${status}` } = fail;
    return new LlmCallError({
      code: 'llm_http',
      message,
      provider: this.id,
      model: request.model,
      status,
      isRetryable: retryable,
    });
  }
}

function toolCallsOf(calls: readonly ScriptedToolCall[], requestIndex: number): ToolCall[] | undefined {
  if (calls.length === 0) return undefined;
  return calls.map((call, position) => ({
    id: call.id ?? `call_${requestIndex}_${position}`,
    name: call.name,
    arguments: typeof call.arguments === 'string' ? call.arguments : JSON.stringify(call.arguments),
  }));
}

function argumentChars(calls: readonly ToolCall[] | undefined): number {
  return (calls ?? []).reduce((sum, call) => sum + call.arguments.length, 0);
}
