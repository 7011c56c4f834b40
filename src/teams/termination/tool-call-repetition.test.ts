import { describe, expect, it } from 'vitest';
import { canonicalArguments, findRepeatedToolCall, type ToolCallRecord } from './tool-call-repetition.js';

const call = (agentId: string, tool: string, argumentsJson: string): ToolCallRecord => ({
  agentId,
  tool,
  argumentsJson,
});

describe('findRepeatedToolCall', () => {
  it('flags the same agent calling the same tool with the same arguments, whatever their key order', () => {
    const calls = [
      call('coder', 'read_file', '{"path":"a.py","lines":[1,20]}'),
      call('coder', 'run_tests', '{}'),
      call('coder', 'read_file', '{ "lines": [1, 20], "path": "a.py" }'),
    ];
    expect(findRepeatedToolCall(calls, 5)).toEqual({
      agentId: 'coder',
      tool: 'read_file',
      index: 2,
      repeatsIndex: 0,
    });
  });

  it('does not flag other arguments, another tool, or another agent', () => {
    expect(
      findRepeatedToolCall(
        [call('coder', 'read_file', '{"path":"a.py"}'), call('coder', 'read_file', '{"path":"b.py"}')],
        5,
      ),
    ).toBeNull();
    expect(
      findRepeatedToolCall(
        [call('coder', 'read_file', '{"path":"a.py"}'), call('coder', 'cat', '{"path":"a.py"}')],
        5,
      ),
    ).toBeNull();
    expect(
      findRepeatedToolCall(
        [call('tester', 'read_file', '{"path":"a.py"}'), call('coder', 'read_file', '{"path":"a.py"}')],
        5,
      ),
    ).toBeNull();
  });

  it("looks back only over the agent's own previous `window` calls", () => {
    const calls = [
      call('coder', 'search', '{"q":"x"}'),
      call('coder', 'search', '{"q":"y"}'),
      call('tester', 'search', '{"q":"z"}'),
      call('coder', 'search', '{"q":"w"}'),
      call('coder', 'search', '{"q":"x"}'),
    ];
    // The first "x" is the coder's third call back: outside a window of 2, inside a window of 3.
    expect(findRepeatedToolCall(calls, 2)).toBeNull();
    expect(findRepeatedToolCall(calls, 3)).toMatchObject({ index: 4, repeatsIndex: 0 });
  });

  it('has nothing to flag in an empty list or a first call', () => {
    expect(findRepeatedToolCall([], 5)).toBeNull();
    expect(findRepeatedToolCall([call('coder', 'ls', '{}')], 5)).toBeNull();
  });
});

describe('canonicalArguments', () => {
  it('sorts keys at every depth and drops spacing; non-JSON text is compared trimmed', () => {
    expect(canonicalArguments('{"b":{"y":1,"x":[{"d":2,"c":3}]},"a":true}')).toBe(
      '{"a":true,"b":{"x":[{"c":3,"d":2}],"y":1}}',
    );
    expect(canonicalArguments('  not json ')).toBe('not json');
  });
});
