import type { TeamConfig } from '../config/resolved-config.js';
import type { RunState, TestRunState, TranscriptMessage } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';

/** What each step of the code team does. `runner` is the only part without an LLM. */
export type CodePart = 'architect' | 'coder' | 'tester' | 'runner' | 'debugger' | 'documenter' | 'reviewer';

/** The LLM parts of the code team, in the order of a code team's `agents` list. */
export const CODE_TEAM_PARTS = [
  'architect',
  'coder',
  'tester',
  'debugger',
  'documenter',
  'reviewer',
] as const;

/** The agent id of the runner steps, which execute the tests in the sandbox. */
export const RUNNER_ID = 'runner';

/** The agent that plays each LLM part. */
export type CodeTeamCast = Record<(typeof CODE_TEAM_PARTS)[number], string>;

/** Reads a code team's agents as architect, coder, tester, debugger, documenter, reviewer (by position). */
export function codeTeamCast(team: TeamConfig): CodeTeamCast {
  if (team.agents.length !== CODE_TEAM_PARTS.length || team.agents.includes(RUNNER_ID)) {
    throw new AgentMeshError({
      code: 'config_invalid',
      message: `Team "${team.id}" (pattern code) lists ${team.agents.length} agents; it needs exactly ${CODE_TEAM_PARTS.length}, in the order ${CODE_TEAM_PARTS.join(', ')} (none may be called "${RUNNER_ID}"); fix teams.${team.id}.agents in agentmesh.yaml.`,
      context: { team: team.id, agents: team.agents },
    });
  }
  const [architect, coder, tester, debuggerId, documenter, reviewer] = team.agents as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  return { architect, coder, tester, debugger: debuggerId, documenter, reviewer };
}

/**
 * The part that acts once `index` steps have completed, given the test runs so far, or `done`.
 * The schedule is architect, coder, tester, runner, then (debugger, runner) while the tests fail and
 * fewer than `maxIterations` runs were made, then documenter and reviewer. Pure, so a run replays.
 */
export function codePartAt(
  index: number,
  runs: readonly TestRunState[],
  maxIterations: number,
): CodePart | 'done' {
  const plan: Array<CodePart | 'done'> = ['architect', 'coder', 'tester', 'runner'];
  for (let run = 0; index >= plan.length; run++) {
    const result = runs[run];
    if (result === undefined) {
      throw new Error(`Code team log has ${index} completed steps but only ${runs.length} test runs`);
    }
    if (result.passed || result.notRun !== undefined || run + 1 >= maxIterations) {
      plan.push('documenter', 'reviewer', 'done');
    } else {
      plan.push('debugger', 'runner');
    }
  }
  return plan[index]!;
}

/** The part of every completed step, by step id. */
export function codeStepParts(state: RunState, maxIterations: number): Map<string, CodePart> {
  const parts = new Map<string, CodePart>();
  const completed = state.steps.filter((step) => step.status === 'completed');
  for (const [index, step] of completed.entries()) {
    const part = codePartAt(index, state.testRuns, maxIterations);
    if (part !== 'done') parts.set(step.stepId, part);
  }
  return parts;
}

/** The transcript messages that write the bundle: the coder's, the tester's and the debugger's. */
export function codeMessages(state: RunState, maxIterations: number): TranscriptMessage[] {
  const parts = codeStepParts(state, maxIterations);
  return state.transcript.filter((message) => {
    const part = parts.get(message.stepId);
    return part === 'coder' || part === 'tester' || part === 'debugger';
  });
}

/** The message that becomes the README: the documenter's last answer, if any. */
export function documenterMessage(state: RunState, maxIterations: number): TranscriptMessage | undefined {
  const parts = codeStepParts(state, maxIterations);
  return state.transcript.findLast((message) => parts.get(message.stepId) === 'documenter');
}

/** Why a finished code run stopped: `tests_passed`, `tests_not_run` or `tests_failed`. */
export function codeStopReason(runs: readonly TestRunState[]): string {
  const last = runs.at(-1);
  if (last?.passed) return 'tests_passed';
  if (last?.notRun !== undefined) return 'tests_not_run';
  return 'tests_failed';
}
