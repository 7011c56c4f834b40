import { AgentMeshError, isAgentMeshError } from '../errors/index.js';
import { cancelledError } from '../llm/cancelled-error.js';
import type { ToolContext, ToolDefinition, ToolOutput } from '../tools/tool.js';
import { oneLine, toolErrorText } from '../tools/wrap-tool-result.js';

/** Options for {@link executeToolCall}. */
export interface ExecuteToolCallOptions {
  tool: ToolDefinition;
  /** Arguments that passed the tool's schema. */
  args: unknown;
  /** Everything the tool gets but the signal, which is made here (timeout plus `signal`). */
  context: Omit<ToolContext, 'signal'>;
  timeoutMs: number;
  /** The step's signal: cancellation, the step's timeout, or the run stopping. */
  signal: AbortSignal;
}

/** A call that ended as an error result: `result` is the text the model sees. */
export interface FailedToolCall {
  status: 'failed';
  error: AgentMeshError;
  result: string;
  durationMs: number;
}

/** How one call ended: the tool's output, or an error result for the model. */
export type ToolCallOutcome = { status: 'completed'; result: string; durationMs: number } | FailedToolCall;

const MAX_TIMER_MS = 2_147_483_647;

/** Codes a tool may throw itself and keep (a refusal, a dead MCP server); anything else is `tool_failed`. */
const TOOL_ERROR_CODES = new Set(['tool_refused', 'tool_failed', 'tool_timeout', 'mcp_unavailable']);

/**
 * Runs one validated call within its timeout. Every way a tool can go wrong — a throw (of anything),
 * `{ isError: true }`, output that is not text, a hang past the timeout — ends as a `failed` outcome
 * whose `result` is the error text the model sees. Only the step's own `signal` aborting throws
 * (`cancelled`): then no result is recorded, and a resumed step runs the call again with the same key.
 */
export async function executeToolCall(options: ExecuteToolCallOptions): Promise<ToolCallOutcome> {
  const { tool, args, context, timeoutMs, signal } = options;
  if (signal.aborted) throw cancelledError({ tool: tool.name }, signal.reason);
  // A cleared timer and a listener removed in `finally`: a long run leaves no timers behind.
  const controller = new AbortController();
  let timedOut = false;
  const onTimeout = () => {
    timedOut = true;
    controller.abort(timeoutError(tool.name, timeoutMs));
  };
  // setTimeout fires at once past 2^31-1 ms; a larger timeout means "no practical limit".
  const timer = setTimeout(onTimeout, Math.min(timeoutMs, MAX_TIMER_MS));
  const onAbort = () => controller.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  const started = performance.now();
  const elapsed = () => Math.round((performance.now() - started) * 1000) / 1000;
  try {
    const running = Promise.resolve().then(() =>
      tool.execute(args, { ...context, signal: controller.signal }),
    );
    const output = await untilAborted(running, controller.signal);
    return fromOutput(tool.name, output, elapsed());
  } catch (thrown) {
    if (signal.aborted) throw cancelledError({ tool: tool.name }, signal.reason);
    const error = timedOut ? timeoutError(tool.name, timeoutMs) : fromThrown(tool.name, thrown);
    return failed(error, elapsed());
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', onAbort);
  }
}

/** A failed outcome whose result is `<code>: <message>`. */
export function failed(error: AgentMeshError, durationMs = 0): FailedToolCall {
  return { status: 'failed', error, result: toolErrorText(error.code, error.message), durationMs };
}

function fromOutput(name: string, output: ToolOutput, durationMs: number): ToolCallOutcome {
  if (typeof output === 'string') return { status: 'completed', result: output, durationMs };
  if (typeof output === 'object' && output !== null && typeof output.content === 'string') {
    if (!output.isError) return { status: 'completed', result: output.content, durationMs };
    const message = `${name} reported an error: ${output.content}`;
    return failed(new AgentMeshError({ code: 'tool_failed', message, context: { tool: name } }), durationMs);
  }
  const message = `${name} returned ${describe(output)} instead of text or { content }; this is a bug in the tool.`;
  return failed(new AgentMeshError({ code: 'tool_failed', message, context: { tool: name } }), durationMs);
}

function fromThrown(name: string, thrown: unknown): AgentMeshError {
  if (isAgentMeshError(thrown) && TOOL_ERROR_CODES.has(thrown.code)) {
    return new AgentMeshError({
      code: thrown.code,
      message: oneLine(thrown.message),
      context: { ...thrown.context, tool: name },
    });
  }
  const message = thrown instanceof Error ? thrown.message : `threw ${describe(thrown)}`;
  return new AgentMeshError({
    code: 'tool_failed',
    message: `${name} failed: ${oneLine(message, 400)}`,
    context: { tool: name },
    cause: thrown,
  });
}

function timeoutError(name: string, timeoutMs: number): AgentMeshError {
  return new AgentMeshError({
    code: 'tool_timeout',
    message: `${name} took longer than its ${timeoutMs} ms timeout and was stopped (raise tools.timeoutMs or the tool's timeoutMs).`,
    context: { tool: name, timeoutMs },
    isRetryable: true,
  });
}

/** Settles with `work`, or rejects as soon as `signal` aborts: a tool that ignores its signal cannot hang the step. */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A short description of any value, safe for objects without a prototype (String() would throw). */
function describe(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  try {
    return `${typeof value} ${oneLine(String(value), 80)}`;
  } catch {
    return typeof value;
  }
}
