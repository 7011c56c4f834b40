import type { SimChatRequest, SimMessage, SimToolCall } from './chat-request.js';
import type { SimRole } from './conversation.js';
import {
  firstArguments,
  offeredToolNamed,
  parseToolDirectives,
  type ToolDirective,
} from './tool-directives.js';
import { isErrorResult } from './tool-results-summary.js';
import { type SimToolScript, scriptedArguments } from './tool-script.js';

/** Re-asks of a directive's call after error results, before the simulator answers in text anyway. */
export const MAX_DIRECTIVE_REASKS = 2;

/** Inputs of {@link decideToolCalls}. */
export interface ToolTurnInput {
  request: SimChatRequest;
  /** The role the simulator read from the system prompt. */
  role: SimRole | undefined;
  /** The script in force when the request arrived, if any. */
  script: SimToolScript | undefined;
}

/**
 * The tool calls the simulated model makes on this request, or undefined for a text answer. Only a request
 * that offers tools (and does not say `tool_choice: "none"`) gets calls: from the script when one applies
 * to the agent's role (turn k for a conversation with k tool-call turns), else from the task's directives.
 */
export function decideToolCalls({ request, role, script }: ToolTurnInput): SimToolCall[] | undefined {
  const { tools, toolChoice, messages } = request;
  if (tools.length === 0 || toolChoice === 'none') return undefined;
  const turn = messages.filter(isToolCallTurn).length;
  if (script && (script.role === undefined || script.role === role)) {
    return script.turns[turn]?.calls.map((call, i) => ({
      id: callId(turn, i),
      name: offeredToolNamed(call.name, tools) ?? call.name,
      arguments: scriptedArguments(call),
    }));
  }
  const task = messages.find((m) => m.role === 'user')?.content ?? '';
  const directives = parseToolDirectives(task).flatMap((directive) => {
    const name = offeredToolNamed(directive.name, tools);
    return name ? [{ ...directive, name }] : [];
  });
  if (directives.length === 0) return undefined;
  if (turn === 0) {
    return directives.map((d, i) => ({ id: callId(0, i), name: d.name, arguments: firstArguments(d) }));
  }
  if (turn > MAX_DIRECTIVE_REASKS) return undefined;
  const reasks = failedCalls(messages).flatMap((call) => {
    const index = directiveIndexOf(call, directives);
    const directive = directives[index];
    return directive
      ? [{ id: callId(turn, index), name: directive.name, arguments: directive.arguments }]
      : [];
  });
  return reasks.length > 0 ? reasks : undefined;
}

/** An assistant message that called tools. */
export function isToolCallTurn(message: SimMessage): boolean {
  return message.role === 'assistant' && (message.toolCalls?.length ?? 0) > 0;
}

/** `call_<turn>_<i>`: turn from 0; i is the directive's position (kept on re-asks) or the script's. */
function callId(turn: number, index: number): string {
  return `call_${turn}_${index}`;
}

/**
 * When the conversation's last tool message is an error result: the calls of the latest tool-call turn
 * whose results are errors, in order. Otherwise none.
 */
function failedCalls(messages: readonly SimMessage[]): SimToolCall[] {
  const lastResult = messages.findLast((m) => m.role === 'tool');
  if (!lastResult || !isErrorResult(lastResult.content)) return [];
  const lastTurn = messages.findLast(isToolCallTurn);
  return (lastTurn?.toolCalls ?? []).filter((call) =>
    messages.some((m) => m.role === 'tool' && m.toolCallId === call.id && isErrorResult(m.content)),
  );
}

/** Which directive a call came from: by the index in its id, else the first directive of its name. */
function directiveIndexOf(call: SimToolCall, directives: readonly ToolDirective[]): number {
  const fromId = /^call_\d+_(\d+)$/.exec(call.id)?.[1];
  const index = fromId === undefined ? -1 : Number(fromId);
  if (directives[index]?.name === call.name) return index;
  return directives.findIndex((d) => d.name === call.name);
}
