import { setMaxListeners } from 'node:events';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import { resolveTeam } from '../config/resolve-config.js';
import type { ResolvedConfig, TeamConfig } from '../config/resolved-config.js';
import { newRunId } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { RunStore } from '../store/run-store.js';
import type { ToolDefinition } from '../tools/tool.js';
import type { ConcurrencyLimits } from '../workflow/concurrency-limits.js';
import { type RunEventListener, RunRecorder } from '../workflow/run-recorder.js';
import { createSandbox } from './create-sandbox.js';
import { type DrivenRun, driveRun } from './drive-run.js';
import { openToolbox } from './open-toolbox.js';
import { checkApiKeys } from './preflight.js';

/** Options for {@link runTask}. */
export interface RunTaskOptions {
  config: ResolvedConfig;
  task: string;
  /** @default config.defaultTeam */
  team?: string;
  store: RunStore;
  gateway: LlmGateway;
  signal: AbortSignal;
  listeners?: RunEventListener[];
  onTextDelta?: (agentId: string, delta: string) => void;
  /** Where a `code` team runs its tests. @default createSandbox(config.sandbox), for code teams only */
  sandbox?: Sandbox;
  /** Shared concurrency limits. @default the process-wide ones */
  limits?: ConcurrencyLimits;
  now?: () => Date;
  /**
   * Tools of your own (see `defineTool`) that agents may name in `agents.<id>.tools`, besides the built-in
   * and MCP ones. Resuming, approving or forking the run needs the same tools again: pass them there too.
   */
  tools?: ToolDefinition[];
}

/** Checks a run request before anything is stored: a non-empty task, a known team, keys for its providers. */
export function prepareRun(
  config: ResolvedConfig,
  task: string,
  team?: string,
): { task: string; team: TeamConfig } {
  const trimmed = task.trim();
  if (!trimmed) {
    throw new AgentMeshError({
      code: 'usage',
      message: 'The task is empty; pass it in quotes, e.g. agentmesh run "Write a CSV parser".',
    });
  }
  const teamConfig = resolveTeam(config, team ?? config.defaultTeam);
  checkApiKeys(config, teamConfig);
  return { task: trimmed, team: teamConfig };
}

/**
 * Runs a team on a task to the end (or to a pause for approval): validate, open the agents' tools (MCP
 * servers start), record `run.started`, execute, close the tools.
 */
export async function runTask(options: RunTaskOptions): Promise<DrivenRun> {
  const { config, store, signal, now = () => new Date() } = options;
  // Every call waiting in a rate-limit queue listens on the run's signal; dozens at once are expected.
  setMaxListeners(0, signal);
  const { task, team } = prepareRun(config, options.task, options.team);
  // Created before run.started: a sandbox that cannot be had (mode bubblewrap, not installed) is bad input.
  const sandbox =
    team.pattern === 'code' ? (options.sandbox ?? (await createSandbox(config.sandbox))) : undefined;
  const runId = newRunId(now());
  // So are tools: an unknown tool name or an MCP server that cannot start stores nothing.
  const toolbox = await openToolbox({
    config,
    team,
    runId,
    signal,
    ...(options.tools && { customTools: options.tools }),
    ...(options.sandbox && { sandbox: options.sandbox }),
    ...(sandbox && { sandbox }),
  });

  try {
    // Everything above can fail on bad input; nothing is stored until it has passed.
    const recorder = new RunRecorder(store, options.listeners);
    await recorder.record({
      type: 'run.started',
      runId,
      at: now().toISOString(),
      task,
      team: team.id,
      pattern: team.pattern,
      agents: team.agents,
    });
    return await driveRun({
      ...options,
      recorder,
      team,
      task,
      ...(sandbox && { sandbox }),
      ...(toolbox && { toolbox }),
    });
  } finally {
    await toolbox?.close();
  }
}
