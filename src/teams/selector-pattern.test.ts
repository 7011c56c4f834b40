import { describe, expect, it } from 'vitest';
import type { AgentConfig, TeamConfig } from '../config/resolved-config.js';
import { ZERO_USAGE } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { WorkflowStep } from '../workflow/workflow.js';
import { playPattern } from './play-pattern.js';
import { type SelectorTeam, selectionEvents, selectorPattern } from './selector-pattern.js';

function agent(id: string, capabilities: string[]): AgentConfig {
  return {
    id,
    role: id,
    systemPrompt: `You are the ${id}`,
    promptVersion: 1,
    model: 'sim:m',
    fallbackModels: [],
    temperature: 0,
    maxTokens: 100,
    cache: false,
    capabilities,
    approval: false,
    tools: [],
    maxToolRounds: null,
  };
}

const agents: Record<string, AgentConfig> = {
  planner: agent('planner', ['planning']),
  researcher: agent('researcher', ['research']),
  coder: agent('coder', ['code']),
  critic: agent('critic', ['review']),
  summarizer: agent('summarizer', ['summary']),
};

const team: SelectorTeam = {
  id: 'selector',
  agents: ['planner', 'researcher', 'coder', 'critic', 'summarizer'],
  selector: { agent: 'planner', rule: null, fallback: null },
  approver: 'critic',
  approvalKeyword: 'APPROVED',
  maxRounds: 8,
};

/** Plays the team: the selector answers from `picks` in turn; the critic approves on its second review. */
function play(selectorTeam: SelectorTeam, picks: string[], critic = ['1. bug', 'APPROVED']) {
  let pick = 0;
  let review = 0;
  return playPattern({
    pattern: selectorPattern(selectorTeam, agents),
    answer: (step) => {
      if (step.kind === 'select') return picks[pick++] ?? 'nobody';
      if (step.agentId === 'critic') return critic[review++] ?? '1. bug';
      return `${step.agentId} #${step.round}`;
    },
    results: (events, step) =>
      step.kind === 'select' ? selectionEvents(events, step, selectorTeam) : events,
  });
}

describe('selectorPattern with a selector agent', () => {
  it('asks the selector before every turn, with the allowed names and their capabilities', () => {
    const { batches } = play(team, ['researcher', 'coder', 'critic', 'coder', 'critic']);
    const first = batches[0]![0]!;
    expect(first).toMatchObject({ stepId: 'select#1', agentId: 'planner', kind: 'select', round: 1 });
    expect(first.instruction).toBe(
      [
        'Choose who speaks next, given the task and the conversation so far. Allowed speakers:',
        '- researcher: research',
        '- coder: code',
        '- critic: review',
        '- summarizer: summary',
        'Reply with exactly one name from this list and nothing else.',
      ].join('\n'),
    );
    expect(batches.map((batch) => batch.map((s) => `${s.stepId}:${s.agentId}`))).toEqual([
      ['select#1:planner'],
      ['turn#1:researcher'],
      ['select#2:planner'],
      ['turn#2:coder'],
      ['select#3:planner'],
      ['turn#3:critic'],
      ['select#4:planner'],
      ['turn#4:coder'],
      ['select#5:planner'],
      ['turn#5:critic'],
    ]);
  });

  it('keeps selections out of the transcript and ends approved with the work the approver approved', () => {
    const { state, finish } = play(team, ['researcher', 'coder', 'critic', 'coder', 'critic']);
    expect(state.transcript.map((m) => m.agentId)).toEqual([
      'researcher',
      'coder',
      'critic',
      'coder',
      'critic',
    ]);
    expect(state.speakers).toEqual({
      'select#1': 'researcher',
      'select#2': 'coder',
      'select#3': 'critic',
      'select#4': 'coder',
      'select#5': 'critic',
    });
    expect(finish).toEqual({ kind: 'finish', stopReason: 'approved', output: 'coder #4' });
  });

  it('accepts a name in any case or with punctuation, or the one allowed name a sentence mentions', () => {
    const { state } = play(team, ['  **Coder**.', 'I would pick the critic now.', 'coder', 'critic']);
    expect(state.transcript.map((m) => m.agentId)).toEqual(['coder', 'critic', 'coder', 'critic']);
  });

  it('falls back to selector.fallback when the answer names no allowed speaker', () => {
    const withFallback = { ...team, selector: { agent: 'planner', rule: null, fallback: 'coder' } };
    const { state, finish } = play(withFallback, ['the intern', 'coder or critic', 'critic', 'critic']);
    expect(state.transcript.map((m) => m.agentId)).toEqual(['coder', 'coder', 'critic', 'critic']);
    expect(finish.output).toBe('coder #2');
  });

  it('without a fallback, gives the turn to the candidate whose turn it is round-robin', () => {
    const { state } = play(team, ['planner', 'nobody', 'nobody', 'critic', 'critic']);
    // The selector may not pick itself: turn 1 → candidate 1, turn 2 → 2, turn 3 → 3.
    expect(state.transcript.map((m) => m.agentId)).toEqual(['researcher', 'coder', 'critic', 'critic']);
  });

  it('stops with max_rounds after that many speaker turns, keeping the last output', () => {
    const { finish, state } = play(
      { ...team, maxRounds: 3 },
      ['coder', 'critic', 'coder'],
      ['1. bug', '1. bug'],
    );
    expect(state.steps.filter((s) => s.stepId.startsWith('turn#'))).toHaveLength(3);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'max_rounds', output: 'coder #3' });
  });

  it('without an approver, runs maxRounds turns even when someone writes APPROVED', () => {
    const { finish } = play(
      { ...team, approver: null, maxRounds: 2 },
      ['critic', 'critic'],
      ['APPROVED', 'APPROVED'],
    );
    expect(finish.stopReason).toBe('max_rounds');
  });
});

describe('selectionEvents', () => {
  const step: WorkflowStep = { stepId: 'select#3', agentId: 'planner', round: 3, kind: 'select' };
  const llm = {
    type: 'llm.completed' as const,
    stepId: 'select#3',
    agentId: 'planner',
    provider: 'sim',
    model: 'm',
    attempt: 1,
    latencyMs: 1,
    usage: ZERO_USAGE,
  };
  const answered = (content: string) => [
    llm,
    { type: 'message.added' as const, stepId: 'select#3', agentId: 'planner', content, model: 'sim:m' },
  ];

  it('replaces the answer by speaker.selected', () => {
    expect(selectionEvents(answered('critic'), step, team)).toEqual([
      llm,
      { type: 'speaker.selected', stepId: 'select#3', agentId: 'planner', speaker: 'critic' },
    ]);
  });

  it('records selection.failed with the answer and the fallback, then selects the fallback', () => {
    const long = `Let me think. ${'x'.repeat(300)}`;
    const events = selectionEvents(answered(long), step, team);
    expect(events).toEqual([
      llm,
      {
        type: 'selection.failed',
        stepId: 'select#3',
        agentId: 'planner',
        answer: long.slice(0, 200),
        fallback: 'critic',
      },
      { type: 'speaker.selected', stepId: 'select#3', agentId: 'planner', speaker: 'critic' },
    ]);
  });

  it('refuses the selector agent itself and an answer naming two speakers', () => {
    const withFallback: Pick<TeamConfig, 'agents' | 'selector'> = {
      agents: team.agents,
      selector: { agent: 'planner', rule: null, fallback: 'summarizer' },
    };
    for (const answer of ['planner', 'coder, then critic']) {
      expect(selectionEvents(answered(answer), step, withFallback).at(-1)).toMatchObject({
        speaker: 'summarizer',
      });
    }
  });
});

describe('selectorPattern with the capabilities rule', () => {
  const ruled: SelectorTeam = {
    ...team,
    agents: ['researcher', 'coder', 'critic', 'summarizer'],
    selector: { agent: null, rule: 'capabilities', fallback: null },
  };

  it('picks from the task, then by the capability a message names, else round-robin; no select steps', () => {
    const replies: Record<string, string> = {
      'turn#1': 'Facts gathered; the code can follow.',
      'turn#2': 'Here it is; ready for review.',
      'turn#3': '1. Missing a check in the code.',
      'turn#4': 'Fixed; please review again.',
      'turn#5': 'APPROVED',
    };
    const { batches, finish } = playPattern({
      task: 'Do some research on slugs',
      pattern: selectorPattern(ruled, agents),
      answer: (step) => replies[step.stepId] ?? 'nothing',
    });
    expect(batches.flat().map((s) => `${s.stepId}:${s.agentId}`)).toEqual([
      'turn#1:researcher',
      'turn#2:coder',
      'turn#3:critic',
      'turn#4:coder',
      'turn#5:critic',
    ]);
    expect(finish).toMatchObject({ stopReason: 'approved', output: 'Fixed; please review again.' });
  });

  it('never picks the last speaker by its own capability, and goes round-robin without a match', () => {
    const { batches } = playPattern({
      task: 'Anything',
      pattern: selectorPattern({ ...ruled, maxRounds: 3, approver: null }, agents),
      answer: (step) => (step.agentId === 'researcher' ? 'More research needed.' : 'ok'),
    });
    expect(batches.flat().map((s) => s.agentId)).toEqual(['researcher', 'coder', 'critic']);
  });

  it('keeps the speaker a turn started with, whatever the transcript says later', () => {
    const pattern = selectorPattern(ruled, agents);
    const { state } = playPattern({
      task: 'research',
      pattern: selectorPattern({ ...ruled, maxRounds: 1, approver: null }, agents),
      answer: () => 'now the code',
    });
    const rejected = {
      ...state,
      steps: state.steps.map((s) => ({ ...s, status: 'rejected' as const })),
      transcript: [],
    };
    expect(pattern.next({ ...rejected, task: 'review' })).toMatchObject({
      kind: 'steps',
      steps: [{ stepId: 'turn#1', agentId: 'researcher' }],
    });
  });
});

it('refuses a selector team whose only agent is the selector', () => {
  expect(() => selectorPattern({ ...team, agents: ['planner'] }, agents)).toThrow(AgentMeshError);
});
