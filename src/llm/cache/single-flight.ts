/**
 * Collapses concurrent calls with the same key into one: the first caller runs `fn`, the others
 * receive its promise. Nothing is remembered once it settles, so a failure reaches the callers
 * already waiting but the next call tries again.
 */
export class SingleFlight<T> {
  readonly #inFlight = new Map<string, Promise<T>>();

  /** Runs `fn` unless a call with `key` is already in flight, in which case it shares that call's result. */
  run(key: string, fn: () => Promise<T>): Promise<T> {
    const pending = this.#inFlight.get(key);
    if (pending) return pending;
    // `fn` starts a microtask later, after the promise is registered: a synchronous throw in it then
    // becomes a shared rejection, and the cleanup below always finds the entry it must remove.
    const promise: Promise<T> = Promise.resolve()
      .then(fn)
      .finally(() => {
        if (this.#inFlight.get(key) === promise) this.#inFlight.delete(key);
      });
    this.#inFlight.set(key, promise);
    return promise;
  }

  /** How many distinct keys are in flight (for tests and metrics). */
  get size(): number {
    return this.#inFlight.size;
  }
}
