import { describe, expect, it } from 'vitest';
import { teamDefaults } from '../../config/defaults/teams.js';
import { DEFAULT_REPETITION } from '../../config/resolve-termination.js';
import type { RepetitionConfig, TerminationConfig } from '../../config/resolved-config.js';
import type { RunState } from '../../core/index.js';
import { MemoryRunStore } from '../../store/memory/memory-run-store.js';
import { executeRun } from '../../workflow/execute-run.js';
import { RunRecorder } from '../../workflow/run-recorder.js';
import type { Workflow, WorkflowStep } from '../../workflow/workflow.js';
import { chatPattern } from '../chat-pattern.js';
import { withLoopEvents } from './loop-events.js';
import { steerRepeatingAgents } from './steer-repeating-agents.js';
import { withTermination } from './with-termination.js';

const SUMMARY =
  'Here is an even more concise summary of the notes: the team agreed on a plan, implemented the parser, tested it and reviewed it; nothing else has changed.';
const STEER = 'You are repeating yourself. Say something new.';

interface ChatRun {
  agents: string[];
  maxRounds?: number;
  termination: TerminationConfig | null;
  /** What an agent says on its n-th turn (from 1), given the step it runs. */
  answer: (agentId: string, turn: number, step: WorkflowStep) => string;
  now?: () => Date;
}

/**
 * A round-robin chat under `withTermination`, driven by the real executor over a memory store. Each
 * step's result goes through withLoopEvents, as the team workflow's runStep does.
 */
async function runChat({ agents, maxRounds = 5, termination, answer, now }: ChatRun): Promise<RunState> {
  const recorder = new RunRecorder(new MemoryRunStore());
  const runId = 'run_termination';
  await recorder.record({
    type: 'run.started',
    runId,
    at: '2026-01-01T00:00:00.000Z',
    task: 'Summarise the notes',
    team: 'echo',
    pattern: 'chat',
    agents,
  });
  const team = { ...teamDefaults('echo', 'chat', agents), maxRounds, termination };
  const chat = chatPattern({ agentIds: agents, maxRounds, approver: null, approvalKeyword: 'APPROVED' });
  const pattern = withTermination(chat, team, now ?? (() => new Date()));
  const turns = new Map<string, number>();
  const workflow: Workflow = {
    next: (state) => pattern.next(state),
    async runStep(step, context) {
      const turn = (turns.get(step.agentId) ?? 0) + 1;
      turns.set(step.agentId, turn);
      const content = answer(step.agentId, turn, step);
      const added = {
        type: 'message.added' as const,
        stepId: step.stepId,
        agentId: step.agentId,
        content,
        model: 'sim:m',
      };
      return withLoopEvents([added], step, context.state, team.termination);
    },
  };
  return executeRun({ recorder, workflow, signal: new AbortController().signal });
}

const fresh = (agentId: string, turn: number) =>
  `${agentId} brings point ${turn}: ${'new idea '.repeat(turn)}${turn * 13}`;

describe('withTermination', () => {
  it('returns the pattern itself when the team has no termination', () => {
    const chat = chatPattern({ agentIds: ['a'], maxRounds: 1, approver: null, approvalKeyword: 'APPROVED' });
    expect(withTermination(chat, teamDefaults('t', 'chat', ['a']), () => new Date())).toBe(chat);
  });

  it('stops at maxMessages before the pattern would, keeping the partial transcript as output', async () => {
    const state = await runChat({ agents: ['a', 'b', 'c'], termination: { maxMessages: 4 }, answer: fresh });
    expect(state).toMatchObject({
      status: 'succeeded',
      stopReason: 'max_messages',
      output: 'a brings point 2: new idea new idea 26',
    });
    expect(state.transcript.map((message) => message.agentId)).toEqual(['a', 'b', 'c', 'a']);
  });

  it('stops on a mention right after the message that says it', async () => {
    const state = await runChat({
      agents: ['writer', 'critic'],
      termination: { mention: { text: 'TERMINATE', from: 'critic' } },
      answer: (agentId, turn) =>
        agentId === 'critic' && turn === 2 ? 'Good now.\nTERMINATE' : fresh(agentId, turn),
    });
    expect(state).toMatchObject({ stopReason: 'mention', output: 'Good now.\nTERMINATE' });
    expect(state.transcript).toHaveLength(4);
  });

  it('lets the pattern finish when no condition holds', async () => {
    const state = await runChat({
      agents: ['a', 'b'],
      maxRounds: 2,
      termination: { maxMessages: 10 },
      answer: fresh,
    });
    expect(state).toMatchObject({ stopReason: 'max_rounds' });
    expect(state.transcript).toHaveLength(4);
  });

  it('stops a repeating agent with stopReason repetition and records the loop', async () => {
    const state = await runChat({
      agents: ['summarizer', 'critic'],
      termination: { repetition: { ...DEFAULT_REPETITION, action: 'stop' } },
      answer: (agentId, turn) =>
        agentId === 'summarizer' ? `${SUMMARY} Attempt ${turn}.` : fresh(agentId, turn),
    });
    expect(state).toMatchObject({
      status: 'succeeded',
      stopReason: 'repetition',
      output: `${SUMMARY} Attempt 2.`,
    });
    expect(state.transcript.map((message) => message.agentId)).toEqual([
      'summarizer',
      'critic',
      'summarizer',
    ]);
    expect(state.loops).toEqual([
      {
        stepId: '002-summarizer',
        agentId: 'summarizer',
        kind: 'message',
        similarity: expect.any(Number),
        action: 'stop',
      },
    ]);
    expect(state.loops[0]!.similarity).toBeGreaterThanOrEqual(0.9);
  });

  describe('with action steer', () => {
    const steer: RepetitionConfig = { ...DEFAULT_REPETITION, action: 'steer', instruction: STEER };

    it('steers the next turn of the agent that repeated, then stops when it repeats again', async () => {
      const state = await runChat({
        agents: ['summarizer', 'critic'],
        termination: { repetition: steer },
        answer: (agentId, turn) => (agentId === 'summarizer' ? SUMMARY : fresh(agentId, turn)),
      });
      expect(state.stopReason).toBe('repetition');
      // Turn 2 repeats (steer), turn 3 is steered and repeats again (stop).
      expect(state.transcript.map((message) => message.agentId)).toEqual([
        'summarizer',
        'critic',
        'summarizer',
        'critic',
        'summarizer',
      ]);
      expect(state.steps.map((step) => step.instruction ?? null)).toEqual([null, null, null, null, STEER]);
      expect(state.loops.map((loop) => [loop.stepId, loop.action])).toEqual([
        ['002-summarizer', 'steer'],
        ['004-summarizer', 'stop'],
      ]);
    });

    it('goes on when the steered agent says something new', async () => {
      const state = await runChat({
        agents: ['summarizer', 'critic'],
        maxRounds: 4,
        termination: { repetition: steer },
        answer: (agentId, turn, step) =>
          agentId === 'summarizer' && !step.instruction ? SUMMARY : fresh(agentId, turn),
      });
      expect(state.stopReason).toBe('max_rounds');
      expect(state.transcript).toHaveLength(8);
      expect(state.steps.filter((step) => step.instruction === STEER).map((step) => step.stepId)).toEqual([
        '004-summarizer',
      ]);
    });
  });

  it('times out after timeoutSeconds of this execution, counted from its first decision', async () => {
    let clock = Date.parse('2026-01-01T00:00:00.000Z');
    const state = await runChat({
      agents: ['a', 'b'],
      termination: { timeoutMs: 60_000 },
      now: () => new Date(clock),
      answer: (agentId, turn) => {
        clock += 25_000; // each turn takes 25 s of wall clock
        return fresh(agentId, turn);
      },
    });
    expect(state).toMatchObject({ stopReason: 'timeout' });
    expect(state.transcript).toHaveLength(3); // 75 s >= 60 s after the third turn
  });
});

describe('steerRepeatingAgents', () => {
  const repetition: RepetitionConfig = { ...DEFAULT_REPETITION, action: 'steer', instruction: STEER };

  it("appends the steer to the pattern's own instruction of the repeating agent only, once", async () => {
    const state = await runChat({
      agents: ['summarizer', 'critic'],
      maxRounds: 1,
      termination: null,
      answer: () => SUMMARY,
    });
    // Both agents said the same text once: neither repeated its own message yet.
    const steps: WorkflowStep[] = [
      { stepId: 's', agentId: 'summarizer', round: 2, instruction: 'Subtask: shorten it.' },
      { stepId: 'c', agentId: 'critic', round: 2 },
    ];
    expect(steerRepeatingAgents(steps, state, [repetition])).toEqual(steps);
    const again = await runChat({
      agents: ['summarizer', 'critic'],
      maxRounds: 2,
      termination: null,
      answer: (agentId, turn) => (agentId === 'summarizer' ? SUMMARY : fresh(agentId, turn)),
    });
    const steered = steerRepeatingAgents(steps, again, [repetition]);
    expect(steered).toEqual([{ ...steps[0], instruction: `Subtask: shorten it.\n\n${STEER}` }, steps[1]]);
    expect(steerRepeatingAgents(steered, again, [repetition])).toEqual(steered);
    expect(
      steerRepeatingAgents([{ ...steps[0]!, kind: 'select' }], again, [repetition])[0]?.instruction,
    ).toBe('Subtask: shorten it.');
  });
});
