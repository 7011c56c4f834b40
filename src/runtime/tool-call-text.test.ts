import { describe, expect, it } from 'vitest';
import type { ApprovalState, ToolCallState } from '../core/index.js';
import { byteSize, duration, shortArguments, toolCallOutcome } from './tool-call-text.js';

const call: ToolCallState = {
  callId: 's1#0',
  stepId: 's1',
  agentId: 'coder',
  index: 0,
  turn: 0,
  toolCallId: 'call_0_0',
  tool: 'read_file',
  arguments: '{"path":"a.txt"}',
  source: 'builtin',
  sideEffects: false,
  epoch: 0,
  status: 'called',
};

describe('tool call text', () => {
  it('puts arguments on one clipped line, and says when there are none', () => {
    expect(shortArguments('{\n  "path": "a.txt"\n}')).toBe('{ "path": "a.txt" }');
    expect(shortArguments('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
    expect(shortArguments('  ')).toBe('(no arguments)');
  });

  it('reads sizes and durations as people do', () => {
    expect([byteSize(118), byteSize(4200), byteSize(1_300_000)]).toEqual(['118 B', '4.2 kB', '1.3 MB']);
    expect([duration(12.4), duration(3400)]).toEqual(['12 ms', '3.4 s']);
  });

  it('says how a call ended: ok with time and UTF-8 size, the error code, or why it has no result', () => {
    expect(toolCallOutcome({ ...call, status: 'completed', result: 'héllo', durationMs: 3 })).toBe(
      'ok · 3 ms · 6 B',
    );
    const error = { code: 'tool_timeout' as const, message: 'slow', retryable: true, context: {} };
    expect(toolCallOutcome({ ...call, status: 'failed', error, durationMs: 30_000 })).toBe(
      'error tool_timeout · 30.0 s',
    );
    const pending: ApprovalState = {
      approvalId: 'a1',
      stepId: 's1',
      agentId: 'coder',
      status: 'pending',
      callId: 's1#0',
      requestedAt: '2026-01-01T00:00:00.000Z',
    };
    expect(toolCallOutcome(call, [pending])).toBe('waiting for approval');
    expect(toolCallOutcome(call)).toBe('no result');
  });
});
