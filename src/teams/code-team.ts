import { bundleFromMessages } from '../code/code-bundle.js';
import type { Sandbox, SandboxLimits } from '../code/sandbox/sandbox.js';
import type { TeamConfig } from '../config/resolved-config.js';
import { stepIdFor, type TranscriptMessage } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { StepContext, StepEventInput, Workflow, WorkflowStep } from '../workflow/workflow.js';
import {
  coderNote,
  debuggerNote,
  documenterNote,
  noCodeNote,
  reviewerNote,
  testerNote,
} from './code-team-notes.js';
import { codeMessages, codePartAt, codeStopReason, codeTeamCast, RUNNER_ID } from './code-team-plan.js';
import { runCodeTests } from './code-team-runner.js';
import { completedSteps, lastOutput } from './team-pattern.js';

/** Runs one LLM agent turn for a step (prompt assembly and the gateway call); see runAgentTurn. */
export type AgentTurnRunner = (step: WorkflowStep, context: StepContext) => Promise<StepEventInput[]>;

/** Options for {@link codeTeamWorkflow}. */
export interface CodeTeamWorkflowOptions {
  team: TeamConfig;
  runTurn: AgentTurnRunner;
  /** Where the runner executes the tests; a code run without one fails at its first runner step. */
  sandbox: Sandbox | undefined;
  limits: SandboxLimits;
}

/** How often a coder or tester whose answer holds no code file is asked again before the step fails. */
export const MAX_NO_CODE_REASKS = 2;

/**
 * The `code` team: architect → coder → tester → runner → (debugger → runner)* → documenter → reviewer.
 * The runner (no LLM) executes the tests in the sandbox; while they fail and fewer than
 * `team.maxIterations` runs were made, the debugger gets the failing report and the runner runs again.
 * The run stops `tests_passed`, `tests_failed` or `tests_not_run`, with the reviewer's final word as output.
 */
export function codeTeamWorkflow({ team, runTurn, sandbox, limits }: CodeTeamWorkflowOptions): Workflow {
  const cast = codeTeamCast(team);
  const maxIterations = team.maxIterations;
  return {
    next(state) {
      const index = completedSteps(state);
      const part = codePartAt(index, state.testRuns, maxIterations);
      if (part === 'done') {
        return { kind: 'finish', stopReason: codeStopReason(state.testRuns), output: lastOutput(state) };
      }
      const agentId = part === 'runner' ? RUNNER_ID : cast[part];
      // Runner and debugger steps carry the iteration they work towards.
      const round = part === 'runner' || part === 'debugger' ? state.testRuns.length + 1 : 1;
      return { kind: 'steps', steps: [{ stepId: stepIdFor(agentId, index), agentId, round }] };
    },
    async runStep(step, context) {
      const { state } = context;
      const part = codePartAt(completedSteps(state), state.testRuns, maxIterations);
      const lastRun = state.testRuns.at(-1);
      switch (part) {
        case 'runner':
          if (!sandbox) {
            throw new AgentMeshError({
              code: 'internal',
              message: `Team "${team.id}" needs a sandbox to run tests, and none was given to the workflow; run it through runTask, which creates one from sandbox: in agentmesh.yaml.`,
            });
          }
          return [
            await runCodeTests({
              step,
              messages: codeMessages(state, maxIterations),
              sandbox,
              limits,
              signal: context.signal,
            }),
          ];
        case 'coder':
        case 'tester':
          return turnWithCode(part, step, context, runTurn);
        case 'debugger':
          return runTurn(step, withNote(context, step, debuggerNote(lastRun!, maxIterations)));
        case 'documenter':
          return runTurn(step, withNote(context, step, documenterNote(lastRun)));
        case 'reviewer':
          return runTurn(step, withNote(context, step, reviewerNote(lastRun)));
        case 'architect':
          return runTurn(step, context);
        case 'done':
          throw new Error(`Code team scheduled step ${step.stepId} after the run was done`);
      }
    },
  };
}

/**
 * A coder or tester turn that must return at least one code file. An answer without one is asked again
 * (at most {@link MAX_NO_CODE_REASKS} times); its call is recorded, so it is paid for, but it never joins
 * the transcript.
 */
async function turnWithCode(
  part: 'coder' | 'tester',
  step: WorkflowStep,
  context: StepContext,
  runTurn: AgentTurnRunner,
): Promise<StepEventInput[]> {
  let note = part === 'coder' ? coderNote() : testerNote();
  for (let attempt = 1; ; attempt++) {
    const events = await runTurn(step, withNote(context, step, note));
    const message = events.find((event) => event.type === 'message.added');
    if (message && bundleFromMessages([message]).bundle.size > 0) return events;
    for (const event of events) if (event.type !== 'message.added') await context.record(event);
    if (attempt > MAX_NO_CODE_REASKS) {
      throw new AgentMeshError({
        code: 'run_failed',
        message: `The ${part} (agent "${step.agentId}") answered ${attempt} times without a code file (a fenced block whose first line is "# file: <path>"); try a stronger model with --model, or check that agent's systemPrompt.`,
        context: { stepId: step.stepId, agentId: step.agentId, attempts: attempt },
      });
    }
    note = noCodeNote(part, attempt);
  }
}

/**
 * The step's context with the runner's note as the last turn of the prompt. Only the prompt sees it:
 * the stored transcript stays what the agents wrote.
 */
function withNote(context: StepContext, step: WorkflowStep, note: string): StepContext {
  const entry: TranscriptMessage = {
    stepId: step.stepId,
    agentId: RUNNER_ID,
    content: note,
    model: RUNNER_ID,
  };
  return {
    runId: context.runId,
    signal: context.signal,
    record: (event) => context.record(event),
    recordAll: (events) => context.recordAll(events),
    get state() {
      const state = context.state;
      return { ...state, transcript: [...state.transcript, entry] };
    },
  };
}
