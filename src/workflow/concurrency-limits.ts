import { AgentMeshError } from '../errors/index.js';
import type { StepLimit } from './workflow.js';

interface Slot {
  key: string;
  max: number;
  active: number;
  waiting: { resolve: () => void }[];
}

/**
 * Keyed FIFO semaphores shared by every run in a process: `global`, `run:<id>`, a graph node's key.
 * A step acquires its limits innermost first (node, then run, then global), so a step waiting for a
 * global slot only ever holds slots of its own run, and one busy run cannot starve the others.
 */
export class ConcurrencyLimits {
  readonly #slots = new Map<string, Slot>();

  /**
   * Waits for a slot under every limit (given outermost first) and returns the release function.
   * Rejects with CancelledError when `signal` aborts while waiting, holding nothing.
   */
  async acquire(limits: readonly StepLimit[], signal: AbortSignal): Promise<() => void> {
    const held: Slot[] = [];
    const releaseAll = () => {
      for (const slot of held.splice(0).reverse()) this.#release(slot);
    };
    try {
      for (const limit of [...limits].reverse()) {
        const slot = this.#slot(limit);
        await this.#take(slot, signal);
        held.push(slot);
      }
    } catch (error) {
      releaseAll();
      throw error;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      releaseAll();
    };
  }

  /** Slots in use under a key (for tests and metrics). */
  active(key: string): number {
    return this.#slots.get(key)?.active ?? 0;
  }

  #slot({ key, max }: StepLimit): Slot {
    let slot = this.#slots.get(key);
    if (!slot) {
      slot = { key, max, active: 0, waiting: [] };
      this.#slots.set(key, slot);
    }
    slot.max = max;
    return slot;
  }

  #take(slot: Slot, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(cancelledWhileWaiting());
    if (slot.active < slot.max && slot.waiting.length === 0) {
      slot.active++;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        resolve: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = slot.waiting.indexOf(waiter);
        if (index !== -1) slot.waiting.splice(index, 1);
        reject(cancelledWhileWaiting());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      slot.waiting.push(waiter);
    });
  }

  #release(slot: Slot): void {
    const next = slot.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays counted and nobody can jump the queue.
    if (next) next.resolve();
    else if (--slot.active === 0) this.#slots.delete(slot.key);
  }
}

function cancelledWhileWaiting(): AgentMeshError {
  return new AgentMeshError({
    code: 'cancelled',
    message: 'The step was cancelled while it waited for a free concurrency slot.',
    isRetryable: false,
  });
}
