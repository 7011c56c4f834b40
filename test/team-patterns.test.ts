import { rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, parseConfigText, resolveConfig } from '../src/config/index.js';
import type { RunState } from '../src/core/index.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { runCli, startSimProcess, tempDir } from './support/cli.js';
import { runTeamOnSim } from './support/run-team-on-sim.js';

// Every built-in pattern team, and one of each defined in YAML, run against the simulator over
// loopback HTTP with the run log in a real SQLite file.

const TEAMS_YAML = `
teams:
  fanout:
    pattern: parallel
    agents: [planner, [coder, tester], [critic, documenter]]
    concurrency: 1
  pick:
    pattern: selector
    agents: [planner, coder, critic]
    approver: critic
    maxRounds: 6
    selector: { agent: planner, fallback: coder }
  ruled:
    pattern: selector
    agents: [researcher, coder, critic, summarizer]
    approver: critic
    selector: { rule: capabilities }
  loop:
    pattern: review-loop
    agents: [coder, critic, debugger]
    maxIterations: 2
  deal:
    pattern: handshake
    agents: [coder, critic, summarizer]
    maxIterations: 1
  boss:
    pattern: hierarchical
    agents: [architect, coder, tester]
    maxSubtasks: 2
`;

const dirs: string[] = [];
let sim: RunningSimulator;

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 11 });
});
afterAll(async () => {
  await sim.close();
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** Runs `task` with `team` against the simulator; the store is a SQLite file in a fresh directory. */
const run = (team: string, task: string) =>
  runTeamOnSim({ yaml: TEAMS_YAML, team, task, simUrl: sim.url, onDir: (dir) => dirs.push(dir) });

const speakers = (state: RunState) => state.transcript.map((m) => m.agentId);
const stepsOf = (state: RunState) => state.steps.map((s) => `${s.stepId}:${s.agentId}`);

describe('parallel', () => {
  it('fans out after the planner and in to the summarizer; no step sees a sibling', async () => {
    const { state, seen } = await run('parallel', 'Write a function that removes duplicate tags');
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(speakers(state)).toEqual(['planner', 'researcher', 'coder', 'critic', 'summarizer']);
    expect(state.steps.map((s) => `${s.agentId}@${s.order?.join('.')}`).sort()).toEqual([
      'coder@1.1',
      'critic@1.2',
      'planner@0.0',
      'researcher@1.0',
      'summarizer@2.0',
    ]);
    for (const role of ['researcher', 'coder', 'critic']) {
      expect(seen.filter((r) => r.role === role).map((r) => r.labels)).toEqual([['planner']]);
    }
    expect(seen.find((r) => r.role === 'summarizer')?.labels).toEqual([
      'planner',
      'researcher',
      'coder',
      'critic',
    ]);
    expect(state.output).toBe(state.transcript.at(-1)?.content);
    expect(state.output).toContain('4 earlier contributions');
  });

  it('ends a YAML team whose last stage has two agents with both outputs; one at a time, still no sibling', async () => {
    const { state, seen } = await run('fanout', 'Write a function that removes duplicate tags');
    expect(speakers(state)).toEqual(['planner', 'coder', 'tester', 'critic', 'documenter']);
    expect(seen.find((r) => r.role === 'tester')?.labels).toEqual(['planner']);
    expect(seen.find((r) => r.role === 'documenter')?.labels).toEqual(['planner', 'coder', 'tester']);
    const [critic, documenter] = state.transcript.slice(3).map((m) => m.content);
    expect(state.output).toBe(`${critic}\n\n${documenter}`);
  });
});

describe('selector', () => {
  it('has the planner pick each speaker (never joining the transcript) until the critic approves', async () => {
    const { state, events, seen } = await run('selector', 'Write a function that removes duplicate tags');
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'approved' });
    expect(speakers(state)).toEqual(['researcher', 'coder', 'critic', 'coder', 'critic']);
    expect(stepsOf(state)).toEqual([
      'select#1:planner',
      'turn#1:researcher',
      'select#2:planner',
      'turn#2:coder',
      'select#3:planner',
      'turn#3:critic',
      'select#4:planner',
      'turn#4:coder',
      'select#5:planner',
      'turn#5:critic',
    ]);
    expect(Object.values(state.speakers)).toEqual(['researcher', 'coder', 'critic', 'coder', 'critic']);
    expect(events.filter((e) => e.type === 'selection.failed')).toEqual([]);
    expect(seen.filter((r) => r.role === 'planner')).toHaveLength(5);
    expect(seen.find((r) => r.role === 'planner')?.lastMessage).toMatch(
      /^Choose who speaks next[\s\S]*- researcher: research\n- coder: code\n- critic: review\n- summarizer: summary\n/,
    );
    // The output is the work the critic approved: the coder's revision answering its review.
    expect(state.output).toBe(state.transcript[3]!.content);
    expect(state.output).toMatch(/Fixed issue 1[\s\S]*Fixed issue 2[\s\S]*```python/);
  });

  it('records selection.failed and gives the turn to the fallback when the pick is not an allowed name', async () => {
    const { state, events } = await run('pick', 'Write an unroutable function that removes duplicate tags');
    const failed = events.filter((e) => e.type === 'selection.failed');
    expect(failed).toEqual([
      expect.objectContaining({
        stepId: 'select#1',
        agentId: 'planner',
        fallback: 'coder',
        answer: expect.stringMatching(/intern/),
      }),
    ]);
    expect(events.find((e) => e.type === 'speaker.selected')).toMatchObject({
      stepId: 'select#1',
      speaker: 'coder',
    });
    expect(speakers(state)).toEqual(['coder', 'critic', 'coder', 'critic']);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'approved' });
  });

  it('without a fallback, gives a failed pick to the candidate whose turn it is (the first, on turn 1)', async () => {
    const { state, events } = await run(
      'selector',
      'Write an unroutable function that removes duplicate tags',
    );
    expect(events.find((e) => e.type === 'selection.failed')).toMatchObject({ fallback: 'researcher' });
    expect(speakers(state)[0]).toBe('researcher');
  });

  it('picks by capabilities with no selector calls, else round-robin', async () => {
    const { state, seen } = await run('ruled', 'Study how to remove duplicate tags');
    expect(seen.some((r) => r.lastMessage.startsWith('Choose who speaks next'))).toBe(false);
    expect(state.steps.every((s) => s.stepId.startsWith('turn#'))).toBe(true);
    // Round-robin while no message names another agent's capability; then the summaries name a review
    // (→ critic) and the code (→ coder), whose fix names the review again (→ critic, who approves).
    expect(speakers(state)).toEqual([
      'researcher',
      'coder',
      'critic',
      'summarizer',
      'critic',
      'summarizer',
      'coder',
      'critic',
    ]);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'approved' });
  });
});

describe('review-loop', () => {
  it("converges when the debugger's fix answers the reviewer's findings", async () => {
    const { state, seen } = await run('review-loop', 'Write a function that removes duplicate tags');
    expect(stepsOf(state)).toEqual(['code:coder', 'review#1:critic', 'fix#1:debugger', 'review#2:critic']);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'approved' });
    // The debugger was given the review as its instruction.
    const review = state.transcript.find((m) => m.stepId === 'review#1')!.content;
    expect(seen.find((r) => r.role === 'debugger')?.lastMessage).toContain(review);
    expect(state.steps.find((s) => s.stepId === 'fix#1')?.instruction).toContain(review);
    expect(state.transcript.at(-1)?.content).toMatch(/^APPROVED\b/);
    expect(state.output).toBe(state.transcript.find((m) => m.stepId === 'fix#1')!.content);
  });

  it('stops with max_iterations after maxIterations fixes when the fix never satisfies the reviewer', async () => {
    const { state } = await run('review-loop', 'Write an unfixable function that removes duplicate tags');
    expect(speakers(state)).toEqual([
      'coder',
      'critic',
      'debugger',
      'critic',
      'debugger',
      'critic',
      'debugger',
      'critic',
    ]);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'max_iterations' });
    expect(state.output).toBe(state.transcript.find((m) => m.stepId === 'fix#3')!.content);
  });

  it('honours a YAML team maxIterations', async () => {
    const { state } = await run('loop', 'Write an unfixable function that removes duplicate tags');
    expect(stepsOf(state)).toEqual([
      'code:coder',
      'review#1:critic',
      'fix#1:debugger',
      'review#2:critic',
      'fix#2:debugger',
      'review#3:critic',
    ]);
    expect(state.stopReason).toBe('max_iterations');
  });
});

describe('handshake', () => {
  it('sends the proposal back once, then the finalizer finishes from the approved one', async () => {
    const { state, seen } = await run('handshake', 'Design a service that removes duplicate tags');
    expect(stepsOf(state)).toEqual([
      'propose#1:architect',
      'validate#1:critic',
      'propose#2:architect',
      'validate#2:critic',
      'finalize:summarizer',
    ]);
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(state.output).toBe(state.transcript.at(-1)?.content);
    expect(seen.find((r) => r.role === 'summarizer')?.labels).toEqual(['architect', 'critic']);
  });

  it('stops with max_iterations when no proposal is approved (YAML team, one re-proposal)', async () => {
    const { state } = await run('deal', 'Write an unfixable function that removes duplicate tags');
    expect(speakers(state)).toEqual(['coder', 'critic', 'coder', 'critic']);
    expect(state).toMatchObject({ stopReason: 'max_iterations' });
    expect(state.output).toBe(state.transcript[2]!.content);
  });
});

describe('hierarchical', () => {
  it('delegates one subtask per worker by capability, in parallel, and the manager synthesises', async () => {
    const { state, seen } = await run('hierarchical', 'Write a function that removes duplicate tags');
    expect(speakers(state)).toEqual([
      'planner',
      'researcher',
      'architect',
      'coder',
      'tester',
      'documenter',
      'planner',
    ]);
    expect(state.transcript.map((m) => m.stepId)).toEqual([
      'plan',
      'subtask#1',
      'subtask#2',
      'subtask#3',
      'subtask#4',
      'subtask#5',
      'synthesis',
    ]);
    expect(state.steps.find((s) => s.stepId === 'subtask#2')?.instruction).toMatch(/Design the modules/);
    // Each worker saw the plan and its own subtask, nothing of the other workers.
    for (const role of ['researcher', 'architect', 'coder', 'tester', 'documenter']) {
      expect(seen.find((r) => r.role === role)?.labels).toEqual(['planner']);
    }
    expect(seen.find((r) => r.role === 'coder')?.lastMessage).toMatch(
      /^Your subtask from the manager \(planner\): Implement/,
    );
    expect(state).toMatchObject({ status: 'succeeded', stopReason: 'completed' });
    expect(state.output).toMatch(/From researcher[\s\S]*From documenter/);
  });

  it('keeps to maxSubtasks in a YAML team and matches tags to workers', async () => {
    const { state } = await run('boss', 'Write a function that removes duplicate tags');
    expect(stepsOf(state)).toEqual([
      'plan:architect',
      'subtask#1:coder',
      'subtask#2:tester',
      'synthesis:architect',
    ]);
    expect(state.output).toMatch(/From coder[\s\S]*From tester/);
  });
});

describe('bad team shapes', () => {
  const resolveYaml = (text: string) => {
    const cwd = tmpdir();
    const file = parseConfigText({ text, path: join(cwd, 'agentmesh.yaml'), cwd, env: {} });
    return () => resolveConfig({ file, env: {}, cwd });
  };

  it('reports every problem, one line each, with its field', () => {
    const resolve = resolveYaml(`
teams:
  loop: { pattern: review-loop, agents: [coder, critic] }
  deal: { pattern: handshake, agents: [coder, critic, summarizer, planner] }
  boss: { pattern: hierarchical, agents: [planner] }
  pick: { pattern: selector, agents: [planner, coder], selector: { agent: plannr, fallback: critic } }
  alone: { pattern: selector, agents: [planner], selector: { agent: planner } }
`);
    let error: unknown;
    try {
      resolve();
    } catch (thrown) {
      error = thrown;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.map((issue) => `${issue.path}: ${issue.message}`);
    expect(issues).toEqual(
      expect.arrayContaining([
        'teams.loop.agents: a review-loop team needs exactly 3 agents, in the order coder, reviewer, debugger; it has 2',
        'teams.deal.agents: a handshake team needs exactly 3 agents, in the order proposer, validator, finalizer; it has 4',
        'teams.boss.agents: a hierarchical team needs a manager (listed first) and at least one worker; it has 1',
        expect.stringMatching(
          /^teams\.pick\.selector\.agent: unknown agent "plannr" \(did you mean "planner"\?\)/,
        ),
        expect.stringMatching(
          /^teams\.pick\.selector\.fallback: fallback "critic" is not one of the team's speakers; choose one of: planner, coder$/,
        ),
        'teams.alone.agents: a selector team needs at least one speaker besides its selector agent "planner"',
      ]),
    );
    expect(issues.every((issue) => !issue.includes('\n'))).toBe(true);
  });

  it('accepts every built-in team', () => {
    expect(resolveYaml('teams: {}')).not.toThrow();
  });
});

describe('through the CLI', () => {
  it('runs the review-loop team to approval and exits 0; a bad team shape exits 2 with one line', async () => {
    const simProcess = await startSimProcess();
    const dir = await tempDir();
    try {
      const args = ['--base-url', simProcess.url, '--model', 'sim-model', '--json'];
      const ok = await runCli(
        ['run', 'Write a function that removes duplicate tags', '--team', 'review-loop', ...args],
        {
          cwd: dir.path,
        },
      );
      expect(ok.code).toBe(0);
      expect(JSON.parse(ok.stdout)).toMatchObject({
        status: 'succeeded',
        stopReason: 'approved',
        team: 'review-loop',
      });

      await writeFile(
        join(dir.path, 'agentmesh.yaml'),
        'teams:\n  loop:\n    pattern: review-loop\n    agents: [coder, critic]\n',
      );
      const bad = await runCli(['run', 'Anything', '--team', 'loop', ...args], { cwd: dir.path });
      expect(bad.code).toBe(2);
      expect(bad.stdout).toBe('');
      expect(bad.stderr).toMatch(/teams\.loop\.agents: a review-loop team needs exactly 3 agents/);
    } finally {
      await simProcess.stop();
      await dir.remove();
    }
  });
});
