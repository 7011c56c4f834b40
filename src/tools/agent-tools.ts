import type { ToolDefinition } from './tool.js';

/** The tools one agent may call in a run, and the bounds of its tool-call loop. */
export interface AgentTools {
  /** Unique names; `needsApproval` already reflects `tools.approval` and the MCP server's setting. */
  definitions: readonly ToolDefinition[];
  /** Model turns of one step that may call tools; then the model must answer (tools declared, choice `none`). */
  maxRounds: number;
  /** Invalid arguments sent back to the model for another try, per step. */
  maxInvalidArgs: number;
  /** Per call, for tools that do not set their own. */
  timeoutMs: number;
  /** Absolute directory the file tools are confined to; it exists. */
  workspace: string;
}

/** The tools of every agent in one run: built from the config (and the library's tools) when a run starts. */
export interface Toolbox {
  /** The agent's tools; undefined when it has none. */
  forAgent(agentId: string): AgentTools | undefined;
  /** Closes MCP connections and stops MCP subprocesses. Safe to call twice. */
  close(): Promise<void>;
}
