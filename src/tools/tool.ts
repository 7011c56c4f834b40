import type { z } from 'zod';

/** A JSON Schema object (`type: "object"`), as MCP servers and users' raw declarations give it. */
export type JsonSchema = Record<string, unknown>;

/** What a tool's `execute` may use while it runs one call. */
export interface ToolContext {
  runId: string;
  stepId: string;
  agentId: string;
  /**
   * The call's idempotency key, `<runId>/<stepId>#<index>`: the same on every retry and resume, so a
   * side-effecting tool (or the system it calls) can recognise a call it already carried out.
   */
  idempotencyKey: string;
  /** The directory file tools are confined to (absolute, created before the first call). */
  workspace: string;
  /** Aborted on the tool's timeout, on cancellation, and when the run stops. */
  signal: AbortSignal;
}

/** A tool's answer: text for the model; `isError` marks a failure the tool reports itself (MCP `isError`). */
export type ToolOutput = string | { content: string; isError?: boolean };

/**
 * A tool an agent may call. Arguments are validated against `parameters` before `execute` sees them;
 * `execute` may throw: the error becomes an error result for the model, never the agent's answer.
 */
export interface ToolDefinition<Args = unknown> {
  /** `^[a-zA-Z0-9_-]{1,64}$`; MCP tools are prefixed `<server>__`. */
  name: string;
  description: string;
  /** A zod schema of the arguments object, or a raw JSON Schema (validated with ajv). */
  parameters: z.ZodType<Args> | JsonSchema;
  /** @default tools.timeoutMs (30 s) */
  timeoutMs?: number;
  /** Changes something outside the conversation (writes a file, posts a request). @default false */
  sideEffects?: boolean;
  /** Each call waits for a human decision (`agentmesh approve`) before it runs. @default false */
  needsApproval?: boolean;
  /** `builtin`, `mcp:<server>`, or `custom` (the default for tools given through the library API). */
  source?: string;
  execute(args: Args, context: ToolContext): Promise<ToolOutput>;
}

/** Declares a tool with a zod schema, so `execute` gets its arguments typed. */
export function defineTool<Schema extends z.ZodType>(
  tool: Omit<ToolDefinition, 'parameters' | 'execute'> & {
    parameters: Schema;
    execute(args: z.output<Schema>, context: ToolContext): Promise<ToolOutput>;
  },
): ToolDefinition<z.output<Schema>> {
  return tool as ToolDefinition<z.output<Schema>>;
}

/** Tool names as every provider accepts them. */
export const TOOL_NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
