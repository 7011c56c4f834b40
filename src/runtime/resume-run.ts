import { setMaxListeners } from 'node:events';
import type { Sandbox } from '../code/sandbox/sandbox.js';
import { resolveTeam } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { type ApprovalState, foldRun, type RunState } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { LlmGateway } from '../llm/gateway.js';
import type { RunStore } from '../store/run-store.js';
import type { Toolbox } from '../tools/agent-tools.js';
import type { ToolDefinition } from '../tools/tool.js';
import type { ConcurrencyLimits } from '../workflow/concurrency-limits.js';
import { type RunEventListener, RunRecorder } from '../workflow/run-recorder.js';
import { createSandbox } from './create-sandbox.js';
import { type DrivenRun, driveRun } from './drive-run.js';
import { openToolbox } from './open-toolbox.js';
import { checkApiKeys } from './preflight.js';

/** Options for {@link resumeRun}. */
export interface ResumeRunOptions {
  config: ResolvedConfig;
  runId: string;
  store: RunStore;
  gateway: LlmGateway;
  signal: AbortSignal;
  listeners?: RunEventListener[];
  onTextDelta?: (agentId: string, delta: string) => void;
  sandbox?: Sandbox;
  limits?: ConcurrencyLimits;
  now?: () => Date;
  /**
   * The tools of your own the run was started with (`RunTaskOptions.tools`): a resumed run needs them
   * again, or an agent that names one fails to start with `config_invalid`.
   */
  tools?: ToolDefinition[];
  /**
   * The run's tools, opened already (approving and forking open them before they store anything); the
   * caller closes them. @default opened here from the config and `tools`, and closed when the run stops
   */
  toolbox?: Toolbox;
}

/**
 * Reads a run's state back from its log for {@link resumeRun}, refusing what cannot be resumed:
 * an unknown run, a run that succeeded, a run still waiting for a human decision.
 */
export async function loadResumableRun(store: RunStore, runId: string): Promise<RunState> {
  const events = await store.events(runId);
  if (events.length === 0) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId} in the run store; agentmesh runs list shows the stored runs.`,
      context: { runId },
    });
  }
  const state = foldRun(events);
  if (state.status === 'succeeded') {
    throw new AgentMeshError({
      code: 'run_finished',
      message: `Run ${runId} already finished (${state.stopReason}); there is nothing to resume. To redo part of it, use agentmesh runs fork ${runId} --from-step K.`,
      context: { runId, status: state.status },
    });
  }
  const pending = state.approvals.filter((approval) => approval.status === 'pending');
  if (pending.length > 0) {
    throw new AgentMeshError({
      code: 'usage',
      message: `Run ${runId} waits for a human decision on ${waitingFor(state, pending[0]!)}; decide it with agentmesh approve ${runId} [--reject --comment "…"].`,
      context: { runId, approvals: pending.map((approval) => approval.approvalId) },
    });
  }
  return state;
}

/** What an approval decides, in words: a step's output, or one tool call of a step. */
function waitingFor(state: RunState, approval: ApprovalState): string {
  if (approval.callId === undefined) return `step ${approval.stepId}`;
  const call = state.toolCalls.find((candidate) => candidate.callId === approval.callId);
  return `a call of tool ${call?.tool ?? '?'} in step ${approval.stepId}`;
}

/**
 * Continues a run that crashed, failed, was cancelled, or had its approvals decided: folds its log,
 * takes its lease, records `run.resumed`, and runs every step whose completion is not in the log.
 * Completed steps are read back, never run again, so no finished LLM call is paid for twice; nor is a
 * completed tool call carried out twice (its result is read back from the log).
 */
export async function resumeRun(options: ResumeRunOptions): Promise<DrivenRun> {
  const { config, store, runId, signal } = options;
  setMaxListeners(0, signal);
  const state = await loadResumableRun(store, runId);
  const team = resolveTeam(config, state.team);
  checkApiKeys(config, team);
  const sandbox =
    team.pattern === 'code' ? (options.sandbox ?? (await createSandbox(config.sandbox))) : undefined;
  // Opened before run.resumed is recorded: a tool that cannot be had leaves the log as it was.
  const ownToolbox = options.toolbox
    ? undefined
    : await openToolbox({
        config,
        team,
        runId,
        signal,
        ...(options.tools && { customTools: options.tools }),
        ...(options.sandbox && { sandbox: options.sandbox }),
        ...(sandbox && { sandbox }),
      });
  const toolbox = options.toolbox ?? ownToolbox;
  const recorder = new RunRecorder(store, options.listeners, state);
  const now = options.now ?? (() => new Date());
  try {
    return await driveRun({
      ...options,
      team,
      task: state.task,
      recorder,
      now,
      ...(sandbox && { sandbox }),
      ...(toolbox && { toolbox }),
      beforeSteps: async (owner) => {
        // Read the log again under the lease: another process may have run (or finished) it meanwhile.
        const current = await loadResumableRun(store, runId);
        recorder.restore(current);
        await recorder.record({
          type: 'run.resumed',
          runId,
          at: now().toISOString(),
          from: current.status,
          by: owner,
        });
      },
    });
  } finally {
    await ownToolbox?.close();
  }
}
