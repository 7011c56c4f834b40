import { randomUUID } from 'node:crypto';
import type { RepetitionConfig } from '../config/resolved-config.js';
import type { ToolCallState } from '../core/index.js';
import { AgentMeshError, toAgentMeshError } from '../errors/index.js';
import { findRepeatedToolCall, type ToolCallRecord } from '../teams/termination/tool-call-repetition.js';
import type { AgentTools } from '../tools/agent-tools.js';
import type { ParsedToolCall, ToolSet } from '../tools/tool-set.js';
import type { StepContext, WorkflowStep } from '../workflow/workflow.js';
import { executeToolCall, type FailedToolCall, failed } from './execute-tool-call.js';
import { readBack, type SettledCall } from './tool-conversation.js';

/** Options for {@link settleToolTurn}. */
export interface SettleToolTurnOptions {
  /** The turn's calls as recorded in `tool.called`, in the model's order. */
  calls: readonly ToolCallState[];
  /** The epoch's calls of earlier turns, oldest first: what a repeated call is compared with. */
  earlier: readonly ToolCallState[];
  toolSet: ToolSet;
  tools: AgentTools;
  step: WorkflowStep;
  context: StepContext;
  /** The team's repetition conditions; a call is checked against each with a `toolCallWindow`. */
  repetition: readonly RepetitionConfig[];
}

/** What to do with one call of the turn. */
type Plan =
  | { kind: 'settled'; settled: SettledCall }
  | { kind: 'run'; parsed: ParsedToolCall }
  | { kind: 'wait' };

/**
 * Gives every call of one model turn its result, in the model's order. A call with a result in the log
 * is read back; the others (new, or `called` when the process died) are checked — known tool, valid
 * arguments, not a repeat, approved when the tool needs it — and the runnable ones run in parallel, each
 * result recorded as soon as it is known. Throws `step_paused` once the rest of the turn has run when a
 * call waits for a human; throws `cancelled` when the step's signal aborts (no result recorded then).
 *
 * A repeated call (same tool, same arguments as one of the step's recent calls within a repetition
 * condition's `toolCallWindow`) is not run: it records `loop.detected` (kind `tool_call`) and becomes a
 * `tool_refused` error result telling the model it repeats itself. `steer` (the first time in the step)
 * adds the condition's instruction and lets the model go on; `stop` (or a second repeat) says to answer
 * now, and the loop ends its tool turns (the error's `context.loopAction` is `stop`, so a replay agrees).
 */
export async function settleToolTurn(options: SettleToolTurnOptions): Promise<SettledCall[]> {
  const { calls, context, step } = options;
  const plans: Plan[] = [];
  for (const [position, call] of calls.entries()) {
    const plan = await planCall(call, position, options, plans);
    plans.push(plan);
  }
  const results = await Promise.allSettled(
    plans.map(async (plan, position): Promise<SettledCall | null> => {
      if (plan.kind === 'settled') return plan.settled;
      if (plan.kind === 'wait') return null;
      return runCall(calls[position]!, plan.parsed, options);
    }),
  );
  const rejected = results.find((result) => result.status === 'rejected');
  if (rejected) throw rejected.reason;
  const waiting = calls.filter((_, position) => plans[position]!.kind === 'wait');
  if (waiting.length > 0) await pause(waiting, step, context);
  return results.map((result) => (result as PromiseFulfilledResult<SettledCall>).value);
}

async function planCall(
  call: ToolCallState,
  position: number,
  options: SettleToolTurnOptions,
  planned: readonly Plan[],
): Promise<Plan> {
  const known = readBack(call);
  if (known) return { kind: 'settled', settled: known };
  const { toolSet, context } = options;
  let parsed: ParsedToolCall;
  try {
    parsed = toolSet.parseCall(call.tool, call.arguments);
  } catch (thrown) {
    return { kind: 'settled', settled: await recordFailure(call, failed(toAgentMeshError(thrown)), context) };
  }
  const repeat = repeatedCall(call, position, options, planned);
  if (repeat) return { kind: 'settled', settled: await recordRepeat(call, repeat, options) };
  if (!parsed.tool.needsApproval) return { kind: 'run', parsed };
  const approval = context.state.approvals.filter((candidate) => candidate.callId === call.callId).at(-1);
  if (approval?.status === 'approved') return { kind: 'run', parsed };
  if (approval?.status === 'rejected') {
    const declined = new AgentMeshError({
      code: 'tool_declined',
      message: `A human declined this call of ${call.tool}${approval.comment ? `: ${approval.comment}` : ''}; do not call it again with the same arguments.`,
      context: { tool: call.tool, callId: call.callId, approvalId: approval.approvalId },
    });
    return { kind: 'settled', settled: await recordFailure(call, failed(declined), context) };
  }
  return { kind: 'wait' };
}

interface Repeat {
  repeatOf: string;
  action: 'steer' | 'stop';
  instruction: string;
}

/** The first repetition condition that flags `call` against the epoch's earlier calls and this turn's. */
function repeatedCall(
  call: ToolCallState,
  position: number,
  { calls, earlier, repetition }: SettleToolTurnOptions,
  planned: readonly Plan[],
): Repeat | null {
  const history = [...earlier, ...calls.slice(0, position)];
  const records: ToolCallRecord[] = [...history, call].map((c) => ({
    agentId: c.agentId,
    tool: c.tool,
    argumentsJson: c.arguments,
  }));
  // Steered once already in this step (a refused repeat in the log or earlier in this turn): stop.
  const steered =
    earlier.some((c) => c.error?.context.repeatOf !== undefined) ||
    planned.some((plan) => plan.kind === 'settled' && plan.settled.error?.context.repeatOf !== undefined);
  for (const condition of repetition) {
    if (condition.toolCallWindow <= 0) continue;
    const found = findRepeatedToolCall(records, condition.toolCallWindow);
    if (!found) continue;
    const action = condition.action === 'steer' && !steered ? 'steer' : 'stop';
    return { repeatOf: history[found.repeatsIndex]!.callId, action, instruction: condition.instruction };
  }
  return null;
}

async function recordRepeat(call: ToolCallState, repeat: Repeat, options: SettleToolTurnOptions) {
  const { context, step } = options;
  await context.record({
    type: 'loop.detected',
    stepId: step.stepId,
    agentId: step.agentId,
    kind: 'tool_call',
    similarity: 1,
    action: repeat.action,
  });
  const next = repeat.action === 'steer' ? repeat.instruction : 'Answer now with what you have.';
  const error = new AgentMeshError({
    code: 'tool_refused',
    message: `${call.tool} was already called with the same arguments in this step (call ${repeat.repeatOf}); use that result instead of calling it again. ${next}`,
    context: { tool: call.tool, callId: call.callId, repeatOf: repeat.repeatOf, loopAction: repeat.action },
  });
  return recordFailure(call, failed(error), context);
}

async function runCall(
  call: ToolCallState,
  { tool, args }: ParsedToolCall,
  { tools, step, context }: SettleToolTurnOptions,
): Promise<SettledCall> {
  const outcome = await executeToolCall({
    tool,
    args,
    context: {
      runId: context.runId,
      stepId: step.stepId,
      agentId: step.agentId,
      idempotencyKey: `${context.runId}/${call.callId}`,
      workspace: tools.workspace,
    },
    timeoutMs: tool.timeoutMs ?? tools.timeoutMs,
    signal: context.signal,
  });
  if (outcome.status === 'failed') return recordFailure(call, outcome, context);
  await context.record({
    type: 'tool.completed',
    stepId: call.stepId,
    agentId: call.agentId,
    callId: call.callId,
    tool: call.tool,
    result: outcome.result,
    durationMs: outcome.durationMs,
    bytes: Buffer.byteLength(outcome.result, 'utf8'),
  });
  return { call, status: 'completed', result: outcome.result };
}

async function recordFailure(
  call: ToolCallState,
  outcome: FailedToolCall,
  context: StepContext,
): Promise<SettledCall> {
  const error = outcome.error.toInfo();
  await context.record({
    type: 'tool.failed',
    stepId: call.stepId,
    agentId: call.agentId,
    callId: call.callId,
    tool: call.tool,
    error,
    result: outcome.result,
    durationMs: outcome.durationMs,
  });
  return { call, status: 'failed', result: outcome.result, error };
}

/**
 * Asks a human about the first waiting call that has no request yet, then holds the step. One request
 * at a time: deciding a tool approval puts the whole step back to `running`, so a second pending
 * request of the same step would have the executor re-run it while it still waits.
 */
async function pause(
  waiting: readonly ToolCallState[],
  step: WorkflowStep,
  context: StepContext,
): Promise<never> {
  const { approvals } = context.state;
  const pending = waiting.find((call) =>
    approvals.some((approval) => approval.callId === call.callId && approval.status === 'pending'),
  );
  const asking = pending ?? waiting[0]!;
  if (!pending) {
    await context.record({
      type: 'approval.requested',
      approvalId: `apr_${randomUUID()}`,
      stepId: step.stepId,
      agentId: step.agentId,
      callId: asking.callId,
    });
  }
  throw new AgentMeshError({
    code: 'step_paused',
    message: `Step ${step.stepId} (${step.agentId}) waits for a human decision on its call of ${asking.tool} (${asking.callId}); decide it with agentmesh approve ${context.runId} [--reject --comment "…"].`,
    context: { runId: context.runId, stepId: step.stepId, callId: asking.callId, tool: asking.tool },
  });
}
