import { createHash } from 'node:crypto';
import type { SimChatRequest } from './chat-request.js';
import type { SimFault } from './sim-fault.js';

/** One chat-completion request as the simulator saw and answered it. */
export interface SimRequestRecord {
  /** Arrival number, from 1; every `POST /v1/chat/completions` counts, valid or not. */
  seq: number;
  /** Arrival time, epoch ms. */
  at: number;
  /** When the whole response (any status) was handed to the socket, epoch ms; null when it never was (a hang, a cut stream, a client gone). */
  doneAt: number | null;
  /** Chat requests in flight when this one arrived, itself included: the simulator's concurrency at that moment. */
  inFlight: number;
  /** The requested model, or null when the body was invalid. */
  model: string | null;
  /** {@link requestBodyHash} of the body (model, messages, temperature, max tokens), or null when the body was invalid. */
  bodyHash: string | null;
  /** The completion id sent back (`x-request-id`, the body's `id`), or null when the body was invalid. */
  responseId: string | null;
  stream: boolean;
  /** The injected fault (drawn, forced by `x-sim-fault`, or `failFirst`), or null. */
  fault: SimFault | null;
  /** HTTP status sent; null while nothing was sent (a hang, or a client gone before the answer). */
  status: number | null;
  /** Tokens and USD of a complete answer (what the simulator bills); 0 when no complete answer went out. */
  promptTokens: number;
  completionTokens: number;
  cachedTokens: number;
  /** Equals the OpenRouter-style `usage.cost` of the answer, in every style. */
  costUsd: number;
}

/** Default cap of {@link SimRequestLog}: enough for any test, bounded for a long-running `agentmesh sim`. */
export const DEFAULT_REQUEST_LOG_LIMIT = 100_000;

/**
 * sha256 (hex) of the canonical JSON (keys sorted) of what decides an answer: model, messages (role,
 * flattened text, tool calls, tool call id), temperature, max tokens, offered tool names and tool choice.
 * Two requests with the same hash are the same call sent twice, whatever their stream flag or wire details;
 * tests use it to prove no completed call is repeated.
 */
export function requestBodyHash(
  request: Pick<SimChatRequest, 'model' | 'messages' | 'temperature' | 'maxTokens'> &
    Partial<Pick<SimChatRequest, 'tools' | 'toolChoice'>>,
): string {
  // Keys are written in sorted order, so JSON.stringify already gives the canonical form (and is native-fast).
  // Tool fields join only when present, so a call without tools hashes as it always did.
  const identity = {
    maxTokens: request.maxTokens ?? null,
    messages: request.messages.map(({ role, content, toolCalls, toolCallId }) => ({
      content,
      role,
      ...(toolCallId === undefined ? {} : { toolCallId }),
      ...(toolCalls === undefined
        ? {}
        : { toolCalls: toolCalls.map(({ id, name, arguments: args }) => ({ arguments: args, id, name })) }),
    })),
    model: request.model,
    temperature: request.temperature ?? null,
    ...(request.toolChoice === undefined ? {} : { toolChoice: request.toolChoice }),
    ...(request.tools?.length ? { tools: request.tools } : {}),
  };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

/** The simulator's own request log, oldest first, keeping the newest `limit` records. */
export class SimRequestLog {
  readonly #records: SimRequestRecord[] = [];
  readonly #limit: number;
  readonly #settled = new WeakSet<SimRequestRecord>();
  #inFlight = 0;

  constructor(limit = DEFAULT_REQUEST_LOG_LIMIT) {
    this.#limit = limit;
  }

  /** Starts the record of an arriving request; the handler fills it in as it answers. */
  open(seq: number, at: number): SimRequestRecord {
    this.#inFlight++;
    const record: SimRequestRecord = {
      seq,
      at,
      doneAt: null,
      inFlight: this.#inFlight,
      model: null,
      bodyHash: null,
      responseId: null,
      stream: false,
      fault: null,
      status: null,
      promptTokens: 0,
      completionTokens: 0,
      cachedTokens: 0,
      costUsd: 0,
    };
    this.#records.push(record);
    if (this.#records.length > this.#limit) this.#records.splice(0, this.#records.length - this.#limit);
    return record;
  }

  /**
   * Marks a request as no longer in flight (its response finished, or its connection closed); `doneAt`
   * when the whole response went out. Only the first call per record counts.
   */
  settle(record: SimRequestRecord, doneAt: number | null): void {
    if (this.#settled.has(record)) return;
    this.#settled.add(record);
    this.#inFlight--;
    record.doneAt = doneAt;
  }

  /** Chat requests arrived and not yet settled. */
  inFlight(): number {
    return this.#inFlight;
  }

  /** Copies of the records with `seq > afterSeq`, oldest first. */
  list(afterSeq = 0): SimRequestRecord[] {
    return this.#records.filter((record) => record.seq > afterSeq).map((record) => ({ ...record }));
  }
}
