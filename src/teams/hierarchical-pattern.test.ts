import { describe, expect, it } from 'vitest';
import type { AgentConfig } from '../config/resolved-config.js';
import { AgentMeshError } from '../errors/index.js';
import { type HierarchicalTeam, hierarchicalPattern } from './hierarchical-pattern.js';
import { playPattern } from './play-pattern.js';

const agents = {
  planner: { capabilities: ['planning'] },
  researcher: { capabilities: ['research'] },
  coder: { capabilities: ['code'] },
  tester: { capabilities: ['test'] },
} as unknown as Record<string, AgentConfig>;

const team: HierarchicalTeam = {
  id: 'hierarchical',
  agents: ['planner', 'researcher', 'coder', 'tester'],
  maxSubtasks: 3,
};

/** Plays the team with the manager answering `plan`; records what every step saw. */
function play(plan: string, hierarchical = team) {
  const seen: Record<string, string[]> = {};
  const played = playPattern({
    oneAtATime: true,
    task: 'Build a slug library',
    pattern: hierarchicalPattern(hierarchical, agents),
    answer: (step, visible) => {
      seen[step.stepId] = visible.map((m) => m.stepId);
      if (step.stepId === 'plan') return plan;
      return `${step.stepId} by ${step.agentId}`;
    },
  });
  return { ...played, seen };
}

describe('hierarchicalPattern', () => {
  it('plans, runs every subtask at once on the worker its tag names, then synthesises', () => {
    const { batches, state, finish, seen } = play(
      '1. [code] Implement slugify\n2. [research] Compare libraries\n3. [tester] Write the tests',
    );
    expect(batches.map((batch) => batch.map((s) => `${s.stepId}:${s.agentId}`))).toEqual([
      ['plan:planner'],
      ['subtask#1:coder', 'subtask#2:researcher', 'subtask#3:tester'],
      ['synthesis:planner'],
    ]);
    expect(batches[1]![0]).toMatchObject({
      order: [1, 0],
      inputs: ['plan'],
      instruction: expect.stringContaining('Implement slugify'),
    });
    expect(seen).toMatchObject({
      'subtask#1': ['plan'],
      'subtask#2': ['plan'],
      synthesis: ['plan', 'subtask#1', 'subtask#2', 'subtask#3'],
    });
    // Subtasks finish in reverse order; the transcript is in plan order.
    expect(state.transcript.map((m) => m.stepId)).toEqual([
      'plan',
      'subtask#1',
      'subtask#2',
      'subtask#3',
      'synthesis',
    ]);
    expect(finish).toEqual({ kind: 'finish', stopReason: 'completed', output: 'synthesis by planner' });
  });

  it('asks the manager for at most maxSubtasks tagged lines, listing the workers and their capabilities', () => {
    const { batches } = play('1. [code] x');
    const instruction = batches[0]![0]!.instruction ?? '';
    expect(instruction).toContain('at most 3 subtasks');
    expect(instruction).toContain('- researcher: research\n- coder: code\n- tester: test');
    expect(instruction).toContain('`<number>. [<capability or worker>] <what to do>`');
  });

  it('delegates no more than maxSubtasks, and untagged or unknown tags to the first worker', () => {
    const { batches } = play('1. [design] a\n2. b\n3. [code] c\n4. [test] d');
    expect(batches[1]!.map((s) => s.agentId)).toEqual(['researcher', 'researcher', 'coder']);
  });

  it('gives the whole task to the first worker when the plan has no subtask line', () => {
    const { batches } = play('I would rather do it all myself.');
    expect(batches[1]).toEqual([
      expect.objectContaining({
        stepId: 'subtask#1',
        agentId: 'researcher',
        instruction: expect.stringContaining('Build a slug library'),
      }),
    ]);
  });

  it('refuses a team without a worker', () => {
    expect(() => hierarchicalPattern({ ...team, agents: ['planner'] }, agents)).toThrow(AgentMeshError);
  });
});
