/** A call's deadline: one signal that aborts when the caller aborts or when time runs out. */
export interface Deadline {
  /** Aborted by the caller's signal or by the timer. */
  readonly signal: AbortSignal;
  /** True once the timer (not the caller) fired; tells a timeout apart from a cancellation. */
  readonly timedOut: boolean;
  /** Stops the timer and unhooks the caller's signal; call it in `finally`. */
  dispose(): void;
}

/** Starts a {@link Deadline} of `timeoutMs` linked to the caller's `signal`. */
export function startDeadline({ timeoutMs, signal }: { timeoutMs: number; signal?: AbortSignal }): Deadline {
  const controller = new AbortController();
  let timedOut = false;
  const onCallerAbort = (): void => controller.abort(signal?.reason);
  if (signal?.aborted) controller.abort(signal.reason);
  else signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`Timed out after ${timeoutMs} ms`));
  }, timeoutMs);
  return {
    signal: controller.signal,
    get timedOut() {
      return timedOut;
    },
    dispose() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onCallerAbort);
    },
  };
}
