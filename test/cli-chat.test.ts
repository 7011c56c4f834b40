import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningSimulator, startSimulator } from '../src/sim/simulator.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { BIN, cleanEnv, tempDir } from './support/cli.js';

const GATED_TEAM =
  'teams:\n  gated:\n    pattern: pipeline\n    agents: [planner, coder]\n    approval: [coder]\n';
const TASK = 'Write a function that reverses a string';

/** `agentmesh chat` as a subprocess with piped stdin, its output collected as it comes. */
class ChatProcess {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[], cwd: string) {
    this.child = spawn(process.execPath, [BIN, 'chat', ...args], { cwd, env: cleanEnv() });
    this.child.stdout.on('data', (chunk) => {
      this.stdout += chunk;
    });
    this.child.stderr.on('data', (chunk) => {
      this.stderr += chunk;
    });
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  type(...lines: string[]): void {
    this.child.stdin.write(lines.map((line) => `${line}\n`).join(''));
  }

  /** Resolves once `pattern` shows on stdout or stderr (the test timeout bounds the wait). */
  async waitFor(pattern: RegExp): Promise<void> {
    while (!pattern.test(this.stdout) && !pattern.test(this.stderr)) {
      if (this.child.exitCode !== null) throw new Error(`chat exited before ${pattern}:\n${this.stderr}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

describe('agentmesh chat', () => {
  let sim: RunningSimulator;
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const runner = () => ['--base-url', sim.url, '--model', 'sim-model', '--no-cache'];
  /** Pipes a whole script into a chat and waits for it to end. */
  const chatScript = async (args: string[], lines: string[]) => {
    const chat = new ChatProcess([...args, ...runner()], dir.path);
    chat.type(...lines);
    chat.child.stdin.end();
    return { code: await chat.exited, stdout: chat.stdout, stderr: chat.stderr };
  };
  const withStore = async <T>(use: (store: SqliteRunStore) => Promise<T>): Promise<T> => {
    const store = SqliteRunStore.open({ path: join(dir.path, '.agentmesh', 'agentmesh.db') });
    try {
      return await use(store);
    } finally {
      await store.close();
    }
  };

  beforeEach(async () => {
    dir = await tempDir();
    await writeFile(join(dir.path, 'agentmesh.yaml'), GATED_TEAM);
  });
  afterEach(async () => {
    await sim.close();
    await dir.remove();
  });

  it('runs a typed task with live progress, prints the result, and /debug shows each agent', async () => {
    sim = await startSimulator();
    const result = await chatScript(['--team', 'pipeline'], [TASK, '/debug', '/quit']);
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('agentmesh: ');

    const [run] = await withStore((store) => store.listRuns());
    expect(run).toMatchObject({ status: 'succeeded', team: 'pipeline', task: TASK });
    const runId = run!.runId;
    for (const agent of ['planner', 'researcher', 'coder', 'critic', 'summarizer']) {
      expect(result.stderr).toContain(`${agent} is working…`);
      expect(result.stderr).toMatch(new RegExp(`${agent} answered via custom:sim-model`));
    }
    expect(result.stderr).toContain('run succeeded (completed)');
    const state = await withStore(async (store) => {
      const { foldRun } = await import('../src/core/index.js');
      return foldRun(await store.events(runId));
    });
    expect(result.stdout).toContain(`agentmesh> ${TASK}\n${state.output}\n`);

    // The /debug table agrees with the store's record of every call.
    const calls = await withStore((store) => store.llmCalls(runId));
    const table = result.stdout.slice(result.stdout.indexOf('agentmesh> /debug'));
    expect(table).toContain(`run ${runId} · team pipeline · succeeded`);
    expect(table).toMatch(/AGENT\s+CALLS\s+ERRORS\s+PROMPT TOK\s+COMPL TOK\s+AVG LATENCY MS\s+COST USD/);
    for (const call of calls) {
      const row = new RegExp(
        `\\n${call.agentId}\\s+1\\s+0\\s+${call.promptTokens}\\s+${call.completionTokens}\\s+${Math.round(call.latencyMs)}\\s+\\$${call.costUsd.toFixed(6).replace('.', '\\.')}\\n`,
      );
      expect(table).toMatch(row);
    }
    const totalCost = calls.reduce((sum, call) => sum + call.costUsd, 0);
    expect(table).toMatch(
      new RegExp(`\\nTOTAL\\s+5\\s+0\\s+.*\\$${totalCost.toFixed(6).replace('.', '\\.')}\\n`),
    );
  });

  it('pauses for approval; /reject sends it back with the comment, /approve finishes the run', async () => {
    sim = await startSimulator();
    const comment = 'Handle None input explicitly.';
    const result = await chatScript(['--team', 'gated'], [TASK, `/reject ${comment}`, '/approve', '/quit']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('coder (step 001-coder) waits for your decision');
    expect(result.stdout).toContain('/approve to accept it, /reject <comment> to send it back');
    expect(result.stderr).toContain(`coder's output rejected: ${comment}`);
    expect(result.stderr).toContain("coder's output approved");
    expect(result.stderr).toContain('run succeeded (completed)');

    const [run] = await withStore((store) => store.listRuns());
    expect(run?.status).toBe('succeeded');
    const approvals = await withStore((store) => store.approvals({ runId: run!.runId }));
    expect(approvals.map((approval) => approval.status)).toEqual(['rejected', 'approved']);
    expect(approvals[0]).toMatchObject({ comment });
    expect(approvals.every((approval) => approval.decidedBy?.startsWith('chat:'))).toBe(true);
  });

  it('answers an unknown command with one line listing the commands, and ends at end of input', async () => {
    sim = await startSimulator();
    const result = await chatScript([], ['/deploy', '/help']);
    expect(result.code).toBe(0);
    expect(result.stderr.trim().split('\n')).toEqual([
      'unknown command /deploy; commands: /approve, /reject, /debug, /runs, /help, /quit (anything else is a task for the team)',
    ]);
    expect(result.stdout).toContain('/reject <comment>  send the output back to its agent');
    expect(sim.stats().requests).toBe(0);
  });

  it('cancels the running task on Ctrl-C, returns to the prompt, and keeps the run resumable', async () => {
    // Every answer takes a minute, so the planner's call is in flight when Ctrl-C arrives.
    sim = await startSimulator({ latencyMs: 60_000 });
    const chat = new ChatProcess(['--team', 'gated', ...runner()], dir.path);
    chat.type(TASK);
    await chat.waitFor(/planner is working/);
    chat.child.kill('SIGINT');
    await chat.waitFor(/run (run_\S+) cancelled; agentmesh resume \1 continues it/);
    await chat.waitFor(/agentmesh> $/);
    chat.type('/runs', '/quit');
    expect(await chat.exited).toBe(0);

    const [run] = await withStore((store) => store.listRuns());
    expect(run?.status).toBe('cancelled');
    expect(chat.stdout).toContain(`${run?.runId}  cancelled`);
  });

  it('refuses an unknown team with one line and exit 2', async () => {
    sim = await startSimulator();
    const result = await chatScript(['--team', 'nope'], ['/quit']);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('nope');
    expect(existsSync(join(dir.path, '.agentmesh', 'agentmesh.db'))).toBe(false);
  });
});
