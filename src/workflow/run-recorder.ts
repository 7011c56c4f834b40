import { applyRunEvent, type RunEvent, type RunState, type StoredRunEvent } from '../core/index.js';
import type { RunStore } from '../store/run-store.js';

/** Called with every event after it is durably stored. */
export type RunEventListener = (event: StoredRunEvent, state: RunState) => void;

/**
 * Appends a run's events to the store, keeps the folded state current without re-reading the log,
 * and tells listeners (CLI progress, later SSE and metrics) only after the event is stored.
 */
export class RunRecorder {
  #state: RunState | undefined;

  #leaseOwner: string | undefined;

  /** @param initial the folded state of a run being resumed */
  constructor(
    private readonly store: RunStore,
    private readonly listeners: readonly RunEventListener[] = [],
    initial?: RunState,
  ) {
    this.#state = initial;
  }

  /** Replaces the folded state, e.g. with the log re-read once the run's lease is held. */
  restore(state: RunState): void {
    this.#state = state;
  }

  /** From now on, every append is fenced on `owner` still holding the run's lease (see AppendOptions). */
  fence(owner: string): void {
    this.#leaseOwner = owner;
  }

  /** The run's state after every recorded event. */
  get state(): RunState {
    if (!this.#state) throw new Error('RunRecorder has recorded no run.started yet');
    return this.#state;
  }

  /** Stores one event, then folds it and notifies listeners. */
  async record(event: RunEvent): Promise<StoredRunEvent> {
    const [stored] = await this.recordAll([event]);
    return stored!;
  }

  /** Stores events in one transaction (all or none), then folds and announces each. */
  async recordAll(events: readonly RunEvent[]): Promise<StoredRunEvent[]> {
    const fence = this.#leaseOwner === undefined ? {} : { leaseOwner: this.#leaseOwner };
    const stored = await this.store.appendAll(events, fence);
    for (const event of stored) {
      this.#state = applyRunEvent(this.#state, event);
      for (const listener of this.listeners) listener(event, this.#state);
    }
    return stored;
  }
}
