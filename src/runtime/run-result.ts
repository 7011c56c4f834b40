import type { RunState } from '../core/index.js';

/** The result object of a run, as `agentmesh run --json` prints it (DESIGN.md's CLI contract). */
export interface RunResult {
  runId: string;
  status: RunState['status'];
  stopReason: string | null;
  team: string;
  output: string;
  usage: {
    promptTokens: number;
    completionTokens: number;
    cachedTokens: number;
    costUsd: number;
    calls: number;
  };
  artifactsDir: string | null;
  error?: { code: string; message: string };
}

/** Builds the {@link RunResult} of a run state. */
export function runResult(state: RunState, artifactsDir: string | null): RunResult {
  const { promptTokens, completionTokens, cachedTokens, costUsd } = state.usage;
  return {
    runId: state.runId,
    status: state.status,
    stopReason: state.stopReason,
    team: state.team,
    output: state.output ?? state.transcript.at(-1)?.content ?? '',
    usage: { promptTokens, completionTokens, cachedTokens, costUsd, calls: state.calls },
    artifactsDir,
    ...(state.error && { error: { code: state.error.code, message: state.error.message } }),
  };
}
