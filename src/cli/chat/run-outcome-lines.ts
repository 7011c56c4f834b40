import type { RunState } from '../../core/index.js';
import type { DrivenRun } from '../../runtime/drive-run.js';
import { runResult } from '../../runtime/run-result.js';
import { approvedCall, shortArguments } from '../../runtime/tool-call-text.js';

/** What the chat prints once a run stops: the answer (or what waits for a decision), and notes. */
export interface RunOutcomeLines {
  /** For stdout: the result, or the outputs waiting for approval. */
  out: string[];
  /** For stderr: where the artifacts are, why the run failed, how to continue it. */
  notes: string[];
}

/**
 * The lines `agentmesh chat` prints when a run stops executing: the result when it finished; each output
 * (or tool call, with its arguments) waiting for a human with how to decide it (`/approve`,
 * `/reject <comment>`); how to continue a run that failed or was cancelled.
 */
export function runOutcomeLines({ state, artifactsDir }: DrivenRun): RunOutcomeLines {
  const { runId } = state;
  if (state.status === 'awaiting_approval') return { out: waitingOutputs(state), notes: [] };
  if (state.status === 'running') {
    return {
      out: [],
      notes: [`run ${runId} is still running in another process (agentmesh runs show ${runId})`],
    };
  }
  const result = runResult(state, artifactsDir);
  const notes = artifactsDir ? [`artifacts: ${artifactsDir}`] : [];
  if (state.status === 'failed') {
    notes.push(
      `run ${runId} failed (${state.stopReason}): ${state.error?.message ?? 'no error recorded'}; agentmesh resume ${runId} continues it`,
    );
  } else if (state.status === 'cancelled') {
    notes.push(`run ${runId} cancelled; agentmesh resume ${runId} continues it`);
  } else if (result.testsPassed === false) {
    notes.push(
      `run ${runId} ended without passing tests (${state.stopReason}); see ${artifactsDir}/test-report.json`,
    );
  }
  return { out: result.output ? [result.output] : [], notes };
}

function waitingOutputs(state: RunState): string[] {
  const pending = state.approvals.filter((approval) => approval.status === 'pending');
  const lines: string[] = [];
  for (const approval of pending) {
    const call = approvedCall(state, approval);
    if (call) {
      // A tool call waits: what the human decides on is the tool and its arguments.
      lines.push(
        `── ${approval.agentId} (step ${approval.stepId}) wants to call ${call.tool}; waits for your decision ──`,
        shortArguments(call.arguments, 2000),
      );
      continue;
    }
    const output = state.transcript
      .filter((message) => message.stepId === approval.stepId)
      .map((message) => message.content)
      .join('\n\n');
    lines.push(`── ${approval.agentId} (step ${approval.stepId}) waits for your decision ──`, output);
  }
  const how =
    pending.length > 1
      ? `${pending.length} outputs wait; /approve or /reject <comment> decides the first, then the next`
      : pending[0]?.callId !== undefined
        ? '/approve to let the tool run, /reject <comment> to refuse the call (the agent sees your comment)'
        : '/approve to accept it, /reject <comment> to send it back to its agent';
  lines.push(`run ${state.runId} paused: ${how}`);
  return lines;
}
