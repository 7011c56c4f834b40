import { existsSync } from 'node:fs';
import { foldRun, type ToolCallState } from '../../core/index.js';
import { AgentMeshError } from '../../errors/index.js';
import { type ApprovedRun, approveRun } from '../../runtime/approve-run.js';
import { checkCustomEndpoint } from '../../runtime/preflight.js';
import { approvedCall, shortArguments } from '../../runtime/tool-call-text.js';
import type { RunStore } from '../../store/run-store.js';
import { decidedBy } from '../chat/decided-by.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { executeAndReport } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** Flags of `agentmesh approve`, as commander hands them over. */
export interface ApproveFlags extends RunnerFlags {
  /** Reject the output: its agent redoes the step with the comment as feedback. */
  reject?: boolean;
  /** Why; on an approval, a note kept with the decision. */
  comment?: string;
  /** Which approval, when the run waits for several. */
  approval?: string;
}

/**
 * `agentmesh approve <runId> [--reject] [--comment "…"] [--approval ID]`: decides the run's pending
 * approval once (as `cli:<os user>`), then continues the run with progress and result as `run` prints
 * them. When the approval is for a tool call, the tool and its arguments are shown first. Bad input (unknown run, a run not waiting, an approval decided already) is one line, exit 2.
 */
export async function approveCommand(runId: string, flags: ApproveFlags, io: CliIo): Promise<number> {
  const config = await resolveCliConfig(flags, io);
  // Opening the store would create an empty database; a store that is not there holds no run to approve.
  if (config.store.path !== ':memory:' && !existsSync(config.store.path)) {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${runId}: there is no run store at ${config.store.path} (pass --db, or run from the project directory).`,
      context: { runId, db: config.store.path },
    });
  }
  await checkCustomEndpoint(config);

  let approved: ApprovedRun | undefined;
  const code = await executeAndReport({
    config,
    json: Boolean(flags.json),
    io,
    offerOrphans: false,
    start: async (run) => {
      const decision = flags.reject ? 'rejecting' : 'approving';
      const call = await pendingToolCall(run.store, runId, flags.approval);
      if (call) {
        writeLine(
          io.stderr,
          `agentmesh: ${decision} ${call.agentId}'s call of ${call.tool} (step ${call.stepId}, call ${call.callId}) with arguments:`,
        );
        writeLine(io.stderr, `  ${shortArguments(call.arguments, 2000)}`);
      }
      approved = await approveRun({
        config,
        runId,
        decision: flags.reject ? 'rejected' : 'approved',
        decidedBy: decidedBy('cli', io.env),
        ...(flags.comment !== undefined && { comment: flags.comment }),
        ...(flags.approval !== undefined && { approvalId: flags.approval }),
        ...run,
      });
      return approved;
    },
  });
  const continuation = approved?.continuation;
  if (continuation?.kind === 'leased') {
    const [host, pid] = continuation.holder.split(':');
    writeLine(
      io.stderr,
      `agentmesh: decision recorded; run ${runId} is being executed by process ${pid ?? '?'} on ${host ?? '?'}, which continues it. If that process stops, continue it with: agentmesh resume ${runId}`,
    );
  } else if (continuation?.kind === 'approvals_pending') {
    const ids = continuation.pending.map((approval) => `${approval.approvalId} (${approval.agentId})`);
    writeLine(
      io.stderr,
      `agentmesh: decision recorded; run ${runId} continues once ${ids.length === 1 ? 'this approval is' : 'these approvals are'} decided too: ${ids.join(', ')}; agentmesh approve ${runId} --approval <id>`,
    );
  }
  return code;
}

/**
 * The tool call the decision is about, when the approval to be decided (the named one, or the run's only
 * pending one) waits on a tool call: what the human says yes or no to.
 */
async function pendingToolCall(
  store: RunStore,
  runId: string,
  approvalId: string | undefined,
): Promise<ToolCallState | undefined> {
  const events = await store.events(runId);
  if (events.length === 0) return undefined;
  const state = foldRun(events);
  const pending = state.approvals.filter((approval) => approval.status === 'pending');
  const approval =
    approvalId === undefined
      ? pending.length === 1
        ? pending[0]
        : undefined
      : pending.find((candidate) => candidate.approvalId === approvalId);
  return approval && approvedCall(state, approval);
}
