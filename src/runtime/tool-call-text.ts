import type { ApprovalState, RunState, ToolCallState } from '../core/index.js';

/** Tool-call arguments on one line, whitespace collapsed, clipped to `max` characters with `…`. */
export function shortArguments(raw: string, max = 80): string {
  const line = raw.replace(/\s+/g, ' ').trim();
  if (line === '') return '(no arguments)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A size in bytes as people read it: `118 B`, `4.2 kB`, `1.3 MB`. */
export function byteSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

/** A duration as people read it: `12 ms`, `3.4 s`. */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * How a tool call ended, in a few words: `ok · 3 ms · 118 B`, `error tool_timeout · 30.0 s`; a call with
 * no result yet is `waiting for approval` (when its approval is pending) or `no result` (it was running
 * when the process stopped; a resume runs it again with the same idempotency key).
 */
export function toolCallOutcome(call: ToolCallState, approvals: readonly ApprovalState[] = []): string {
  const took = call.durationMs === undefined ? '' : ` · ${duration(call.durationMs)}`;
  if (call.status === 'completed') {
    return `ok${took} · ${byteSize(Buffer.byteLength(call.result ?? '', 'utf8'))}`;
  }
  if (call.status === 'failed') return `error ${call.error?.code ?? 'tool_failed'}${took}`;
  const approval = approvals.find((candidate) => candidate.callId === call.callId);
  if (approval?.status === 'pending') return 'waiting for approval';
  if (approval?.status === 'approved') return 'approved, not run yet';
  return 'no result';
}

/** The tool call an approval is for, when it is one. */
export function approvedCall(state: RunState, approval: ApprovalState): ToolCallState | undefined {
  if (approval.callId === undefined) return undefined;
  return state.toolCalls.find((call) => call.callId === approval.callId);
}

/**
 * What a pending approval waits on, in words: `coder's output (step 001-coder)`, or for a tool call
 * `coder's call of write_file {"path":"a.txt"} (step 001-coder)`.
 */
export function approvalSubject(state: RunState, approval: ApprovalState, maxArguments = 80): string {
  const call = approvedCall(state, approval);
  if (approval.callId === undefined) return `${approval.agentId}'s output (step ${approval.stepId})`;
  const what = call ? `${call.tool} ${shortArguments(call.arguments, maxArguments)}` : approval.callId;
  return `${approval.agentId}'s call of ${what} (step ${approval.stepId})`;
}
