import { LlmCallError } from '../../errors/index.js';
import type { ChatRequest, ChatResult, Provider } from '../provider.js';
import { answerOutcome, exchangeKey, failureOutcome, recordedRequest } from './cassette-exchange.js';
import type { RecordedOutcome } from './cassette-format.js';
import type { CassetteWriter } from './cassette-writer.js';

/** Options of {@link RecordingProvider}. */
export interface RecordingProviderOptions {
  /** The provider whose calls are recorded. */
  inner: Provider;
  writer: CassetteWriter;
  /** Values that must never reach the cassette (the provider's API key, header values). */
  secrets?: readonly string[];
}

/**
 * A provider that passes every call through and appends it, with its outcome, to a cassette: the
 * answer, or the typed `LlmCallError` (scrubbed of secrets). A cancelled call is not an exchange the
 * provider finished, so it is not recorded.
 */
export class RecordingProvider implements Provider {
  readonly id: string;
  readonly #inner: Provider;
  readonly #writer: CassetteWriter;
  readonly #secrets: readonly string[];

  constructor({ inner, writer, secrets = [] }: RecordingProviderOptions) {
    this.id = inner.id;
    this.#inner = inner;
    this.#writer = writer;
    this.#secrets = secrets;
  }

  /** Calls the wrapped provider and records the call once it has ended. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    // Numbered at the start, so identical requests replay in the order they were made, not finished.
    const seq = this.#writer.nextSeq();
    const recorded = recordedRequest(this.id, request);
    let result: ChatResult;
    try {
      result = await this.#inner.chat(request);
    } catch (error) {
      if (error instanceof LlmCallError) this.#append(seq, recorded, failureOutcome(error, this.#secrets));
      throw error;
    }
    this.#append(seq, recorded, answerOutcome(result));
    return result;
  }

  /** Not recorded: listing models is no exchange a run replays. */
  listModels(options?: { signal?: AbortSignal }): Promise<string[]> {
    return this.#inner.listModels(options);
  }

  #append(seq: number, request: ReturnType<typeof recordedRequest>, outcome: RecordedOutcome): void {
    this.#writer.append({ seq, key: exchangeKey(request), request, outcome });
  }
}
