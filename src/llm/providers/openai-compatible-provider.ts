import OpenAI from 'openai';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import type { ProviderConfig } from '../../config/resolved-config.js';
import type { ChatMessage } from '../../core/index.js';
import { LlmCallError } from '../../errors/index.js';
import { throwIfCancelled } from '../cancelled-error.js';
import { type Deadline, startDeadline } from '../deadline.js';
import type { ChatRequest, ChatResult, Provider } from '../provider.js';
import { httpCallError, requestIdOf } from './http-call-error.js';
import { parseProviderUsage } from './parse-provider-usage.js';
import { readChatStream, TextDeltaCallbackError } from './read-chat-stream.js';
import { toLlmCallError } from './to-llm-call-error.js';
import { parseToolCalls } from './tool-call-wire.js';
import { isRecord, reasoningOf, type WireCompletion, type WireError } from './wire-types.js';

/** How long `listModels` waits for `GET /models`. */
const LIST_MODELS_TIMEOUT_MS = 30_000;

/** Options of {@link OpenAiCompatibleProvider}. */
export interface OpenAiCompatibleProviderOptions {
  config: ProviderConfig;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Clock for Retry-After given as an HTTP date. @default Date.now */
  now?: () => number;
}

/**
 * The {@link Provider} for every OpenAI-compatible endpoint: OpenRouter, DeepSeek, OpenAI, Ollama,
 * vLLM, llama.cpp. Built on the official `openai` SDK with its retries off (the gateway retries);
 * every failure leaves as an `LlmCallError` (or `cancelled`), mapped once, here.
 */
export class OpenAiCompatibleProvider implements Provider {
  readonly id: string;
  readonly #config: ProviderConfig;
  readonly #client: OpenAI;
  readonly #now: () => number;

  constructor({ config, fetch, now = Date.now }: OpenAiCompatibleProviderOptions) {
    this.id = config.id;
    this.#config = config;
    this.#now = now;
    this.#client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers need no key, but the SDK refuses to start without one.
      apiKey: config.apiKey ?? 'not-needed',
      maxRetries: 0,
      defaultHeaders: config.headers,
      ...(fetch ? { fetch } : {}),
      // Explicit nulls keep OPENAI_ORG_ID / OPENAI_PROJECT_ID from leaking to other providers.
      organization: null,
      project: null,
      webhookSecret: null,
      logLevel: 'off',
    });
  }

  /** One attempt: no retries; `timeoutMs` bounds the whole call, body and stream included. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    throwIfCancelled(request.signal, { provider: this.id, model: request.model });
    const deadline = startDeadline({ timeoutMs: request.timeoutMs, signal: request.signal });
    const progress = { streaming: false };
    try {
      return request.stream
        ? await this.#chatStream(request, deadline, progress)
        : await this.#chatOnce(request, deadline);
    } catch (error) {
      if (error instanceof TextDeltaCallbackError) throw error.cause;
      throw toLlmCallError(error, {
        config: this.#config,
        model: request.model,
        callerSignal: request.signal,
        deadline,
        timeoutMs: request.timeoutMs,
        streaming: progress.streaming,
        now: this.#now(),
      });
    } finally {
      deadline.dispose();
    }
  }

  /** Model ids from `GET /models`. */
  async listModels({ signal }: { signal?: AbortSignal } = {}): Promise<string[]> {
    try {
      const page = await this.#client.models.list({ signal, timeout: LIST_MODELS_TIMEOUT_MS });
      return page.data.map((model) => model.id);
    } catch (error) {
      throw toLlmCallError(error, {
        config: this.#config,
        model: 'GET /models',
        callerSignal: signal,
        deadline: undefined,
        timeoutMs: LIST_MODELS_TIMEOUT_MS,
        streaming: false,
        now: this.#now(),
      });
    }
  }

  async #chatOnce(request: ChatRequest, deadline: Deadline): Promise<ChatResult> {
    const { data, response } = await this.#client.chat.completions
      .create(
        { ...this.#body(request), stream: false },
        { signal: deadline.signal, timeout: request.timeoutMs },
      )
      .withResponse();
    // The SDK hands back text when the content type is not JSON; some local servers still send JSON.
    const body: unknown = typeof data === 'string' ? JSON.parse(data) : data;
    if (!isRecord(body)) throw this.#malformed(request, 'a body that is not a JSON object');
    const completion = body as WireCompletion;
    if (completion.error) throw this.#errorInBody(request, completion.error, response.headers);
    const choice = completion.choices?.[0];
    if (!choice) throw this.#malformed(request, 'a completion without choices');
    if (choice.error || choice.finish_reason === 'error') {
      throw this.#errorInBody(request, choice.error ?? {}, response.headers);
    }
    const reasoningContent = reasoningOf(choice.message);
    const toolCalls = parseToolCalls(choice.message?.tool_calls);
    const requestId = requestIdOf(response.headers) ?? completion.id;
    return {
      content: typeof choice.message?.content === 'string' ? choice.message.content : null,
      ...(toolCalls ? { toolCalls } : {}),
      ...(reasoningContent ? { reasoningContent } : {}),
      finishReason: choice.finish_reason ?? null,
      model: completion.model ?? request.model,
      ...(requestId ? { requestId } : {}),
      usage: parseProviderUsage(completion.usage),
    };
  }

  async #chatStream(
    request: ChatRequest,
    deadline: Deadline,
    progress: { streaming: boolean },
  ): Promise<ChatResult> {
    const { data: chunks, response } = await this.#client.chat.completions
      .create(
        {
          ...this.#body(request),
          stream: true,
          ...(this.#config.streamUsage ? { stream_options: { include_usage: true } } : {}),
        },
        { signal: deadline.signal, timeout: request.timeoutMs },
      )
      .withResponse();
    progress.streaming = true;
    const stream = await readChatStream({ chunks, onTextDelta: request.onTextDelta });
    // The SDK ends an aborted stream quietly; the abort reason decides between timeout and cancel.
    if (deadline.signal.aborted) throw deadline.signal.reason;
    if (stream.finishReason === null || stream.finishReason === 'error') {
      throw new LlmCallError({
        code: 'llm_stream_interrupted',
        message: `The ${this.id} stream for ${request.model} ended without ${stream.finishReason === 'error' ? 'an answer (finish_reason "error")' : 'a finish_reason'}; the partial answer was discarded.`,
        provider: this.id,
        model: request.model,
        isRetryable: true,
      });
    }
    const requestId = requestIdOf(response.headers) ?? stream.id;
    return {
      content: stream.content,
      // A stream that ends after its tool calls with a finish_reason is complete, text or not.
      ...(stream.toolCalls ? { toolCalls: stream.toolCalls } : {}),
      ...(stream.reasoningContent ? { reasoningContent: stream.reasoningContent } : {}),
      finishReason: stream.finishReason,
      model: stream.model ?? request.model,
      ...(requestId ? { requestId } : {}),
      usage: parseProviderUsage(stream.usage),
    };
  }

  #body(request: ChatRequest) {
    return {
      model: request.model,
      messages: request.messages.map(toWireMessage),
      ...(request.tools?.length
        ? {
            tools: request.tools.map((tool) => ({ type: 'function' as const, function: tool })),
            tool_choice: request.toolChoice ?? 'auto',
          }
        : {}),
      ...(request.temperature === undefined ? {} : { temperature: request.temperature }),
      // `max_tokens` rather than `max_completion_tokens`: DeepSeek, OpenRouter and local servers all take it.
      ...(request.maxTokens === undefined ? {} : { max_tokens: request.maxTokens }),
    };
  }

  #errorInBody(request: ChatRequest, error: WireError, headers: Headers): LlmCallError {
    // OpenRouter puts the would-be HTTP status in `error.code`; a string code (`server_error`) means 502.
    const code =
      typeof error.code === 'string' && /^\d{3}$/.test(error.code) ? Number(error.code) : error.code;
    const status = typeof code === 'number' && code >= 400 && code < 600 ? code : 502;
    return httpCallError({
      config: this.#config,
      model: request.model,
      status,
      error,
      headers,
      inOkBody: true,
      now: this.#now(),
    });
  }

  #malformed(request: ChatRequest, what: string): LlmCallError {
    return new LlmCallError({
      code: 'llm_malformed_response',
      message: `${this.id} sent ${what} for ${request.model}.`,
      provider: this.id,
      model: request.model,
      isRetryable: true,
    });
  }
}

/**
 * One message in the OpenAI wire format. DeepSeek wants `reasoning_content` back only on assistant turns
 * that called tools (within the same step); elsewhere reasoning stays out of the prompt (and the bill).
 */
function toWireMessage(message: ChatMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant': {
      if (!message.toolCalls?.length) return { role: 'assistant', content: message.content };
      const calls = message.toolCalls.map((call) => ({
        id: call.id,
        type: 'function' as const,
        function: { name: call.name, arguments: call.arguments },
      }));
      return {
        role: 'assistant',
        content: message.content === '' ? null : message.content,
        tool_calls: calls,
        ...(message.reasoningContent ? { reasoning_content: message.reasoningContent } : {}),
      } as ChatCompletionMessageParam;
    }
    default:
      return { role: message.role, content: message.content };
  }
}
