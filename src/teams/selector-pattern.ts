import type { AgentConfig, TeamConfig } from '../config/resolved-config.js';
import type { RunState } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { StepEventInput, WorkflowStep } from '../workflow/workflow.js';
import { agentRoster } from './agent-roster.js';
import { capabilitySpeaker } from './capability-speaker.js';
import { isApproval } from './chat-pattern.js';
import { parseSpeaker } from './parse-speaker.js';
import { isCompleted, outputOf, recordedAgent } from './step-outputs.js';
import { lastOutput, type TeamPattern } from './team-pattern.js';

/** The team fields a selector reads. */
export type SelectorTeam = Pick<
  TeamConfig,
  'id' | 'agents' | 'selector' | 'approver' | 'approvalKeyword' | 'maxRounds'
>;

/** Longest selector answer kept in a `selection.failed` event. */
const MAX_ANSWER_CHARS = 200;

/**
 * `selector`: before each turn, the next speaker is chosen — by the selector agent (a `select` step whose
 * answer becomes `speaker.selected`, never a transcript message) or, without one, by the `capabilities`
 * rule, decided here with no model call. Turn `t` is `select#t` then `turn#t`. Ends `approved` when the
 * approver approves (the output is the work it approved), or `max_rounds` after `maxRounds` turns.
 */
export function selectorPattern(team: SelectorTeam, agents: Record<string, AgentConfig>): TeamPattern {
  const candidates = selectorCandidates(team);
  if (candidates.length === 0) {
    throw new AgentMeshError({
      code: 'team_invalid',
      message: `Team "${team.id}" (selector) has no speaker besides its selector agent; add agents to teams.${team.id}.agents.`,
    });
  }
  const selectorAgent = team.selector?.agent ?? null;
  const instruction = selectInstruction(candidates, agents);
  return {
    next(state) {
      const turnsDone = completedTurns(state);
      if (team.approver !== null) {
        const approval = approvalMessage(state, team.approver, team.approvalKeyword);
        if (approval !== -1) {
          return { kind: 'finish', stopReason: 'approved', output: approvedWork(state, approval) };
        }
      }
      if (turnsDone >= team.maxRounds) {
        return { kind: 'finish', stopReason: 'max_rounds', output: lastOutput(state) };
      }
      const turn = turnsDone + 1;
      const turnId = `turn#${turn}`;
      let speaker: string;
      if (selectorAgent !== null) {
        const selectId = `select#${turn}`;
        if (!isCompleted(state, selectId)) {
          const select: WorkflowStep = {
            stepId: selectId,
            agentId: selectorAgent,
            round: turn,
            kind: 'select',
            instruction,
          };
          return { kind: 'steps', steps: [select] };
        }
        speaker = state.speakers[selectId] ?? roundRobinSpeaker(candidates, turn);
      } else {
        const previous = `turn#${turn - 1}`;
        speaker =
          recordedAgent(state, turnId) ??
          capabilitySpeaker({
            candidates,
            agents,
            lastMessage: turn === 1 ? state.task : outputOf(state, previous),
            lastSpeaker: recordedAgent(state, previous) ?? null,
          });
      }
      return { kind: 'steps', steps: [{ stepId: turnId, agentId: speaker, round: turn }] };
    },
  };
}

/** Who may be chosen to speak: the team's agents, without the selector agent itself. */
export function selectorCandidates(team: Pick<TeamConfig, 'agents' | 'selector'>): string[] {
  const selectorAgent = team.selector?.agent ?? null;
  return team.agents.filter((agentId) => agentId !== selectorAgent);
}

/** What the selector agent is asked: the allowed names (with their capabilities), answered by a name only. */
export function selectInstruction(
  candidates: readonly string[],
  agents: Record<string, AgentConfig>,
): string {
  return [
    'Choose who speaks next, given the task and the conversation so far. Allowed speakers:',
    ...agentRoster(candidates, agents),
    'Reply with exactly one name from this list and nothing else.',
  ].join('\n');
}

/**
 * Turns a select step's answer (its `message.added`) into `speaker.selected`; an answer that names no
 * allowed speaker adds `selection.failed` and selects the fallback: `selector.fallback`, else the
 * candidate whose turn it is round-robin (turn `t` → candidate `t-1`, modulo their number).
 */
export function selectionEvents(
  events: StepEventInput[],
  step: WorkflowStep,
  team: Pick<TeamConfig, 'agents' | 'selector'>,
): StepEventInput[] {
  const answer = events.find((event) => event.type === 'message.added');
  if (answer === undefined) return events;
  const rest = events.filter((event) => event !== answer);
  const candidates = selectorCandidates(team);
  const { stepId, agentId } = step;
  const picked = parseSpeaker(answer.content, candidates);
  if (picked !== null) return [...rest, { type: 'speaker.selected', stepId, agentId, speaker: picked }];
  const fallback = team.selector?.fallback ?? roundRobinSpeaker(candidates, step.round);
  return [
    ...rest,
    {
      type: 'selection.failed',
      stepId,
      agentId,
      answer: answer.content.slice(0, MAX_ANSWER_CHARS),
      fallback,
    },
    { type: 'speaker.selected', stepId, agentId, speaker: fallback },
  ];
}

/** The candidate whose turn `turn` is, round-robin. */
function roundRobinSpeaker(candidates: readonly string[], turn: number): string {
  return candidates[(turn - 1) % candidates.length]!;
}

/** Speaker turns completed so far; turns run one after another, so they are the first N. */
function completedTurns(state: RunState): number {
  let turns = 0;
  while (isCompleted(state, `turn#${turns + 1}`)) turns++;
  return turns;
}

/** Index in the transcript of a completed approval by the approver, or -1. */
function approvalMessage(state: RunState, approver: string, keyword: string): number {
  return state.transcript.findIndex(
    (message) =>
      message.agentId === approver &&
      isCompleted(state, message.stepId) &&
      isApproval(message.content, keyword),
  );
}

/** What the approver approved: the last message before its approval by someone else (else the approval). */
function approvedWork(state: RunState, approvalIndex: number): string {
  const approval = state.transcript[approvalIndex]!;
  const work = state.transcript
    .slice(0, approvalIndex)
    .findLast((message) => message.agentId !== approval.agentId);
  return (work ?? approval).content;
}
