import { AgentMeshError } from '../../errors/index.js';
import { throwIfCancelled } from '../cancelled-error.js';
import type { ChatRequest, ChatResult, Provider } from '../provider.js';
import { exchangeKey, recordedRequest, replayOutcome } from './cassette-exchange.js';
import type { ReplayQueues } from './replay-queues.js';

/** Options of {@link ReplayProvider}. */
export interface ReplayProviderOptions {
  /** The provider id it stands in for. */
  id: string;
  queues: ReplayQueues;
  /** The cassette file, for messages. */
  cassettePath: string;
}

/**
 * A provider that answers from a cassette and never touches the network: each request gets the next
 * recorded outcome for its key (answer or typed error). A streaming request gets the whole recorded
 * text as one `onTextDelta`. A request the cassette does not hold fails with `replay_miss`.
 */
export class ReplayProvider implements Provider {
  readonly id: string;
  readonly #queues: ReplayQueues;
  readonly #cassettePath: string;

  constructor({ id, queues, cassettePath }: ReplayProviderOptions) {
    this.id = id;
    this.#queues = queues;
    this.#cassettePath = cassettePath;
  }

  /** The next recorded outcome of this request. */
  async chat(request: ChatRequest): Promise<ChatResult> {
    throwIfCancelled(request.signal, { provider: this.id, model: request.model });
    const key = exchangeKey(recordedRequest(this.id, request));
    const exchange = this.#queues.take(key);
    if (exchange === undefined) throw this.#miss(request, key);
    const result = replayOutcome(exchange.outcome, this.id, request.model);
    if (request.stream && result.content) request.onTextDelta?.(result.content);
    return result;
  }

  /** The models this provider was recorded answering for. */
  async listModels(): Promise<string[]> {
    return this.#queues.models(this.id);
  }

  #miss(request: ChatRequest, key: string): AgentMeshError {
    const who = speakerOf(request);
    const played = this.#queues.played(key);
    const why =
      played === 0
        ? 'the prompt, task, model or settings differ from the recording'
        : `this exact request was recorded ${played} time${played === 1 ? '' : 's'}, and each answer is used up`;
    return new AgentMeshError({
      code: 'replay_miss',
      message: `No recorded answer in cassette ${this.#cassettePath} for ${who}'s call to ${this.id}:${request.model} (${why}); re-record with --record ${this.#cassettePath}.`,
      context: { provider: this.id, model: request.model, cassette: this.#cassettePath, key, played },
    });
  }
}

/** Who is calling, as far as the request tells: the role its system prompt names, e.g. "the Coder". */
function speakerOf(request: ChatRequest): string {
  const system = request.messages.find((message) => message.role === 'system')?.content ?? '';
  const role = /\bYou are (the|an?) ([A-Z][\w-]*)/.exec(system);
  if (role) return `${role[1]} ${role[2]}`;
  return system ? `the agent with system prompt "${system.slice(0, 40)}…"` : 'an agent';
}
