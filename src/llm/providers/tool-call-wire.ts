import type { ToolCall } from '../../core/index.js';
import { isRecord } from './wire-types.js';

/**
 * The tool calls of a non-streamed message (`message.tool_calls`), arguments kept as sent: the agent
 * loop validates them, never the provider. Undefined when there are none.
 */
export function parseToolCalls(wire: unknown): ToolCall[] | undefined {
  if (!Array.isArray(wire)) return undefined;
  const calls = wire.flatMap((item, position): ToolCall[] => {
    if (!isRecord(item)) return [];
    const fn = isRecord(item.function) ? item.function : {};
    const name = typeof fn.name === 'string' ? fn.name : '';
    // A non-function entry (no name) is nothing an agent could run.
    if (name === '') return [];
    return [{ id: callIdOf(item.id, position), name, arguments: argumentsText(fn.arguments) }];
  });
  return calls.length > 0 ? calls : undefined;
}

/**
 * Joins streamed `delta.tool_calls` fragments into whole calls by `index`: id, type and name come in a
 * call's first fragment, argument pieces are concatenated in arrival order; calls may interleave.
 */
export class ToolCallAssembler {
  readonly #calls = new Map<number, { id: string; name: string; arguments: string }>();
  #lastIndex = -1;

  /** Adds the `tool_calls` of one delta. */
  add(fragments: unknown): void {
    if (!Array.isArray(fragments)) return;
    for (const fragment of fragments) {
      if (!isRecord(fragment)) continue;
      const index = this.#indexOf(fragment);
      const call = this.#calls.get(index) ?? { id: '', name: '', arguments: '' };
      this.#calls.set(index, call);
      this.#lastIndex = index;
      const fn = isRecord(fragment.function) ? fragment.function : {};
      if (call.id === '' && typeof fragment.id === 'string') call.id = fragment.id;
      if (call.name === '' && typeof fn.name === 'string') call.name = fn.name;
      call.arguments += argumentsText(fn.arguments);
    }
  }

  /** The assembled calls in index order; undefined when none arrived. */
  calls(): ToolCall[] | undefined {
    const ordered = [...this.#calls.entries()].sort(([a], [b]) => a - b);
    const calls = ordered
      .filter(([, call]) => call.name !== '')
      .map(([index, call]) => ({ id: callIdOf(call.id, index), name: call.name, arguments: call.arguments }));
    return calls.length > 0 ? calls : undefined;
  }

  /** Servers that leave out `index` send one call at a time: a fragment with a new id starts the next. */
  #indexOf(fragment: Record<string, unknown>): number {
    if (typeof fragment.index === 'number' && Number.isInteger(fragment.index)) return fragment.index;
    const known = typeof fragment.id === 'string' && fragment.id !== '';
    const current = this.#calls.get(this.#lastIndex);
    if (current && (!known || current.id === fragment.id)) return this.#lastIndex;
    return this.#lastIndex + 1;
  }
}

/** Some local servers omit the id; a tool message still needs one to answer the call. */
function callIdOf(id: unknown, position: number): string {
  return typeof id === 'string' && id !== '' ? id : `call_${position}`;
}

/** Arguments as text: a string as is; an object (a few local servers) as its JSON; anything else ''. */
function argumentsText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  return JSON.stringify(value);
}
