import { exchangeKey } from './cassette-exchange.js';
import type { CassetteExchange } from './cassette-format.js';

/**
 * A cassette's exchanges by request key, each key's in recorded call order: an identical request made
 * several times gets its recorded outcomes one after the other (a failure, then the retry's answer).
 */
export class ReplayQueues {
  readonly #byKey = new Map<string, CassetteExchange[]>();
  readonly #played = new Map<string, number>();
  readonly #models = new Map<string, Set<string>>();

  constructor(exchanges: readonly CassetteExchange[]) {
    // The key is computed again rather than trusted: a cassette stays usable across key-format changes.
    const ordered = [...exchanges].sort((a, b) => a.seq - b.seq);
    for (const exchange of ordered) {
      const key = exchangeKey(exchange.request);
      const queue = this.#byKey.get(key);
      if (queue) queue.push(exchange);
      else this.#byKey.set(key, [exchange]);
      const { provider, model } = exchange.request;
      this.#models.set(provider, (this.#models.get(provider) ?? new Set()).add(model));
    }
  }

  /** The next recorded exchange for this request key, or undefined when none is left. */
  take(key: string): CassetteExchange | undefined {
    const exchange = this.#byKey.get(key)?.shift();
    if (exchange) this.#played.set(key, (this.#played.get(key) ?? 0) + 1);
    return exchange;
  }

  /** How many recorded exchanges for this key were played already. */
  played(key: string): number {
    return this.#played.get(key) ?? 0;
  }

  /** The distinct models recorded for a provider, in recorded order. */
  models(provider: string): string[] {
    return [...(this.#models.get(provider) ?? [])];
  }
}
