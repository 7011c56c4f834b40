import { describe, expect, it } from 'vitest';
import { parseToolCalls, ToolCallAssembler } from './tool-call-wire.js';

describe('parseToolCalls', () => {
  it('keeps arguments exactly as sent: truncated, empty or invalid', () => {
    const wire = [
      { id: 'a', type: 'function', function: { name: 'read_file', arguments: '{"path":"no' } },
      { id: 'b', type: 'function', function: { name: 'list_files', arguments: '' } },
      { id: 'c', type: 'function', function: { name: 'run_code', arguments: '{code: 1,}' } },
    ];
    expect(parseToolCalls(wire)).toEqual([
      { id: 'a', name: 'read_file', arguments: '{"path":"no' },
      { id: 'b', name: 'list_files', arguments: '' },
      { id: 'c', name: 'run_code', arguments: '{code: 1,}' },
    ]);
  });

  it('gives a call without an id one by position, and object arguments as JSON', () => {
    const wire = [{ function: { name: 'f', arguments: { x: 1 } } }, { function: { name: 'g' } }];
    expect(parseToolCalls(wire)).toEqual([
      { id: 'call_0', name: 'f', arguments: '{"x":1}' },
      { id: 'call_1', name: 'g', arguments: '' },
    ]);
  });

  it.each([undefined, null, [], [{ type: 'function', function: {} }], ['x'], {}])(
    'finds no calls in %j',
    (wire) => {
      expect(parseToolCalls(wire)).toBeUndefined();
    },
  );
});

describe('ToolCallAssembler', () => {
  it('joins interleaved fragments by index and orders the calls by index', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ index: 1, id: 'c2', type: 'function', function: { name: 'second', arguments: '' } }]);
    assembler.add([{ index: 0, id: 'c1', type: 'function', function: { name: 'first', arguments: '{"a"' } }]);
    assembler.add([
      { index: 1, function: { arguments: '{"b":' } },
      { index: 0, function: { arguments: ':1}' } },
    ]);
    assembler.add([{ index: 1, function: { arguments: '2}' } }]);
    expect(assembler.calls()).toEqual([
      { id: 'c1', name: 'first', arguments: '{"a":1}' },
      { id: 'c2', name: 'second', arguments: '{"b":2}' },
    ]);
  });

  it('keeps the first id and name when a server repeats them in later fragments', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ index: 0, id: 'c1', function: { name: 'f', arguments: '{' } }]);
    assembler.add([{ index: 0, id: 'c1', function: { name: 'f', arguments: '}' } }]);
    expect(assembler.calls()).toEqual([{ id: 'c1', name: 'f', arguments: '{}' }]);
  });

  it('follows servers that leave out index: a new id starts the next call', () => {
    const assembler = new ToolCallAssembler();
    assembler.add([{ id: 'x', function: { name: 'f', arguments: '{"p":' } }]);
    assembler.add([{ function: { arguments: '1}' } }]);
    assembler.add([{ id: 'y', function: { name: 'g', arguments: '' } }]);
    expect(assembler.calls()).toEqual([
      { id: 'x', name: 'f', arguments: '{"p":1}' },
      { id: 'y', name: 'g', arguments: '' },
    ]);
  });

  it('has no calls before a fragment arrives, and ignores deltas without tool_calls', () => {
    const assembler = new ToolCallAssembler();
    assembler.add(undefined);
    assembler.add(null);
    expect(assembler.calls()).toBeUndefined();
  });
});
