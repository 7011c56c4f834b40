import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { runTeamOnSim } from './support/run-team-on-sim.js';

// Graph teams defined in YAML, run against the simulator over loopback HTTP with the run log in a real
// SQLite file. The simulator's critic raises two issues, a debugger that sees them fixes both, and the
// critic approves a review whose issues were all fixed; for an `unfixable` task nobody fixes anything.

const TEAMS_YAML = `
teams:
  build:
    start: plan
    nodes:
      plan:   { agent: planner }
      code:   { agent: coder }
      review: { agent: critic }
      fix:    { agent: debugger, maxVisits: 3 }
      docs:   { agent: documenter }
    edges:
      - { from: plan, to: code }
      - { from: code, to: review }
      - { from: review, to: fix, when: "not contains('APPROVED')" }
      - { from: fix, to: review }
      - { from: review, to: docs, when: "contains('APPROVED')" }
  diamond:
    nodes:
      plan:     { agent: planner }
      research: { agent: researcher }
      code:     { agent: coder }
      merge:    { agent: summarizer }
    edges:
      - { from: plan, to: research }
      - { from: plan, to: code }
      - { from: research, to: merge }
      - { from: code, to: merge }
`;

const dirs: string[] = [];
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 5 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs `task` with `team` against the simulator; the store is a SQLite file in a fresh directory. */
const run = (team: string, task: string) =>
  runTeamOnSim({ yaml: TEAMS_YAML, team, task, simUrl: sim.url, onDir: (dir) => dirs.push(dir) });

const visitsOf = (state: RunState) => state.transcript.map((m) => `${m.stepId}:${m.agentId}`);

describe('graph team from YAML', () => {
  it('runs plan → code → review, loops through fix until the critic approves, then documents', async () => {
    const { state, seen } = await run('build', 'Write a function that removes duplicate tags');
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(visitsOf(state)).toEqual([
      'plan#1:planner',
      'code#1:coder',
      'review#1:critic',
      'fix#1:debugger',
      'review#2:critic',
      'docs#1:documenter',
    ]);
    expect(state.transcript[2]?.content).toMatch(/^I found two issues|^Review of the work/);
    expect(state.transcript[3]?.content).toMatch(/Fixed issue 1[\s\S]*Fixed issue 2/);
    expect(state.transcript[4]?.content).toMatch(/^APPROVED\./);
    expect(state.output).toBe(state.transcript[5]?.content);
    expect(state.output).toMatch(/^## /);
    // Each visit sees the visits that led to it, in order; the second review sees its own first one.
    expect(seen.map((request) => [request.role, request.shown])).toEqual([
      ['planner', []],
      ['coder', ['planner']],
      ['critic', ['planner', 'coder']],
      ['debugger', ['planner', 'coder', 'critic']],
      ['critic', ['planner', 'coder', 'self', 'debugger']],
      ['documenter', ['planner', 'coder', 'critic', 'debugger', 'critic']],
    ]);
    expect(state.steps.map((step) => [step.stepId, step.round, step.order])).toEqual([
      ['plan#1', 1, [1, 0, 1, 0]],
      ['code#1', 1, [2, 1, 1, 0]],
      ['review#1', 1, [3, 2, 1, 0]],
      ['fix#1', 1, [4, 3, 1, 0]],
      ['review#2', 2, [5, 2, 2, 4]],
      ['docs#1', 1, [6, 4, 1, 0]],
    ]);
  });

  it('stops the review loop at the fix node’s maxVisits with loop_limit when the critic never approves', async () => {
    const { state } = await run('build', 'Write an unfixable function that removes duplicate tags');
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'loop_limit' });
    expect(visitsOf(state)).toEqual([
      'plan#1:planner',
      'code#1:coder',
      'review#1:critic',
      'fix#1:debugger',
      'review#2:critic',
      'fix#2:debugger',
      'review#3:critic',
      'fix#3:debugger',
      'review#4:critic',
    ]);
    expect(state.transcript.some((m) => m.content.startsWith('APPROVED'))).toBe(false);
    // No terminal node ran: the partial result is the last review.
    expect(state.output).toBe(state.transcript.at(-1)?.content);
  });

  it('fans out to both branches and joins them; each branch sees only the plan, the join all three in order', async () => {
    const { state, seen } = await run('diamond', 'Write a function that removes duplicate tags');
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(visitsOf(state)).toEqual([
      'plan#1:planner',
      'research#1:researcher',
      'code#1:coder',
      'merge#1:summarizer',
    ]);
    const shown = Object.fromEntries(seen.map((request) => [request.role, request.shown]));
    expect(shown).toEqual({
      planner: [],
      researcher: ['planner'],
      coder: ['planner'],
      summarizer: ['planner', 'researcher', 'coder'],
    });
    expect(state.output).toContain('3 earlier contributions');
  });
});
