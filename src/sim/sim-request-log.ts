import type { SimFault } from './sim-fault.js';

/** One chat-completion request as the simulator saw and answered it. */
export interface SimRequestRecord {
  /** Arrival number, from 1; every `POST /v1/chat/completions` counts, valid or not. */
  seq: number;
  /** Arrival time, epoch ms. */
  at: number;
  /** The requested model, or null when the body was invalid. */
  model: string | null;
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

/** The simulator's own request log, oldest first, keeping the newest `limit` records. */
export class SimRequestLog {
  readonly #records: SimRequestRecord[] = [];
  readonly #limit: number;

  constructor(limit = DEFAULT_REQUEST_LOG_LIMIT) {
    this.#limit = limit;
  }

  /** Starts the record of an arriving request; the handler fills it in as it answers. */
  open(seq: number, at: number): SimRequestRecord {
    const record: SimRequestRecord = {
      seq,
      at,
      model: null,
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

  /** Copies of the records with `seq > afterSeq`, oldest first. */
  list(afterSeq = 0): SimRequestRecord[] {
    return this.#records.filter((record) => record.seq > afterSeq).map((record) => ({ ...record }));
  }
}
