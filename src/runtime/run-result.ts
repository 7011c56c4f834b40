import type { RunState, TestRunState } from '../core/index.js';

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
  /** Code team only: whether the last test run passed. */
  testsPassed?: boolean;
  /** Code team only: the last test run (counts, isolation, the runner's report). */
  testReport?: TestRunState | null;
  /** Code team only: how many times the runner executed the tests. */
  testRuns?: number;
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
    ...(state.pattern === 'code' && {
      testsPassed: state.testRuns.at(-1)?.passed ?? false,
      testReport: state.testRuns.at(-1) ?? null,
      testRuns: state.testRuns.length,
    }),
    ...(state.error && { error: { code: state.error.code, message: state.error.message } }),
  };
}
