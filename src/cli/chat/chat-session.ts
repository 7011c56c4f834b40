import { createInterface, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import { resolveTeam } from '../../config/resolve-config.js';
import type { ResolvedConfig, TeamConfig } from '../../config/resolved-config.js';
import { toAgentMeshError } from '../../errors/index.js';
import type { LlmGateway } from '../../llm/gateway.js';
import { warnUnpricedOnce } from '../../llm/pricing/warn-unpriced.js';
import { approveRun } from '../../runtime/approve-run.js';
import type { DrivenRun } from '../../runtime/drive-run.js';
import { checkApiKeys } from '../../runtime/preflight.js';
import type { RunStore } from '../../store/run-store.js';
import type { RunEventListener } from '../../workflow/run-recorder.js';
import { writeLine } from '../cli-io.js';
import { type RunStarter, startNewRun } from '../execute-and-report.js';
import { EXIT } from '../exit-codes.js';
import { progressReporter } from '../progress-reporter.js';
import { agentCallStats } from './agent-call-stats.js';
import { type ChatInput, helpLines, parseChatLine, unknownCommandLine } from './chat-command-line.js';
import { debugTable } from './debug-table.js';
import { runOutcomeLines } from './run-outcome-lines.js';

/** The prompt `agentmesh chat` shows when it waits for a line. */
export const CHAT_PROMPT = 'agentmesh> ';

/** Options for {@link ChatSession}. */
export interface ChatSessionOptions {
  config: ResolvedConfig;
  /** @default config.defaultTeam */
  team?: string;
  /** Open for the whole session; the caller closes it. */
  store: RunStore;
  gateway: LlmGateway;
  /** Lines typed (a TTY) or piped in. */
  input: Readable;
  /** The prompt, results, outputs waiting for approval, `/debug` and `/runs`. */
  output: Writable;
  /** Live progress, notes and one-line errors. */
  progress: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Who decides approvals, e.g. `chat:alice`. */
  decidedBy: string;
  /** Line editing and echo, for a TTY. @default false */
  terminal?: boolean;
}

/**
 * An interactive session: every line that is not a slash command is a task the team runs while its
 * progress streams; `/approve` and `/reject <comment>` decide a paused run and continue it here; `/debug`
 * shows per-agent calls, tokens, latency and cost. Ctrl-C ({@link ChatSession.interrupt}) cancels the
 * running task (it stays resumable) or, at the prompt, ends the session.
 */
export class ChatSession {
  readonly #options: ChatSessionOptions;
  readonly #team: TeamConfig;
  /** Runs started in this session, oldest first; the last one is what `/approve` and `/debug` act on. */
  readonly #runIds: string[] = [];
  #running: AbortController | undefined;
  #lines: Interface | undefined;
  /** Set by Ctrl-C at the prompt and by {@link ChatSession.end}: lines read ahead are dropped, not run. */
  #ended = false;

  /** Checks the team and its API keys, so a bad `--team` fails before the session begins. */
  constructor(options: ChatSessionOptions) {
    this.#options = options;
    this.#team = resolveTeam(options.config, options.team ?? options.config.defaultTeam);
    checkApiKeys(options.config, this.#team);
  }

  /** Reads and handles lines until `/quit`, end of input, or Ctrl-C at the prompt; returns the exit code. */
  async run(): Promise<number> {
    const { input, output, terminal = false } = this.#options;
    const lines = createInterface({ input, output, prompt: CHAT_PROMPT, terminal });
    this.#lines = lines;
    lines.on('SIGINT', () => this.interrupt());
    const team = this.#team;
    writeLine(
      output,
      `agentmesh chat · team ${team.id} (${team.pattern}: ${team.agents.join(' → ')}) · type a task, or /help`,
    );
    lines.prompt();
    let quit = false;
    try {
      for await (const line of lines) {
        if (this.#ended) break;
        // Piped lines are not echoed; show them after the prompt so the session reads like a transcript.
        if (!terminal) output.write(`${line}\n`);
        quit = !(await this.#handle(parseChatLine(line)));
        if (quit) break;
        lines.prompt();
      }
    } finally {
      lines.close();
      this.#lines = undefined;
    }
    // End of input (Ctrl-D) leaves the cursor after the prompt.
    if (!quit && !this.#ended) writeLine(output);
    await this.#farewell();
    return EXIT.ok;
  }

  /** Ctrl-C: cancels the running task and returns to the prompt; at the prompt, ends the session. */
  interrupt(): void {
    if (this.#running) {
      if (!this.#running.signal.aborted) {
        writeLine(this.#options.progress, 'cancelling… (the run stays resumable)');
        this.#running.abort();
      }
      return;
    }
    writeLine(this.#options.output);
    this.#ended = true;
    this.#lines?.close();
  }

  /** Ends the session: cancels the running task (it stays resumable) and reads no further line. */
  end(): void {
    this.#ended = true;
    this.#running?.abort();
    this.#lines?.close();
  }

  /** Handles one line; false ends the session. */
  async #handle(input: ChatInput): Promise<boolean> {
    try {
      switch (input.kind) {
        case 'empty':
          return true;
        case 'quit':
          return false;
        case 'help':
          for (const line of helpLines()) writeLine(this.#options.output, line);
          return true;
        case 'unknown':
          writeLine(this.#options.progress, unknownCommandLine(input.command));
          return true;
        case 'task':
          await this.#startTask(input.task);
          return true;
        case 'approve':
          await this.#decide('approved', input.comment);
          return true;
        case 'reject':
          if (!input.comment) {
            writeLine(this.#options.progress, 'say what to change: /reject <comment> (the agent sees it)');
            return true;
          }
          await this.#decide('rejected', input.comment);
          return true;
        case 'debug':
          await this.#debug();
          return true;
        case 'runs':
          await this.#listRuns();
          return true;
      }
    } catch (thrown) {
      // A bad decision or a broken run ends that action, not the session.
      writeLine(this.#options.progress, `agentmesh: ${toAgentMeshError(thrown).message}`);
      return true;
    }
  }

  async #startTask(task: string): Promise<void> {
    const waiting = await this.#waitingApprovals();
    const current = this.#runIds.at(-1);
    if (current && waiting.length > 0) {
      writeLine(
        this.#options.progress,
        `run ${current} still waits for approval; decide it later with agentmesh approve ${current}`,
      );
    }
    const { config } = this.#options;
    await this.#drive(startNewRun(config, task, this.#team.id));
  }

  /** Decides the current run's oldest pending approval, then continues the run in this session. */
  async #decide(decision: 'approved' | 'rejected', comment: string): Promise<void> {
    const runId = this.#runIds.at(-1);
    const [first] = await this.#waitingApprovals();
    if (!runId || !first) {
      writeLine(this.#options.progress, 'nothing waits for your decision; type a task to start a run');
      return;
    }
    const { config, decidedBy } = this.#options;
    await this.#drive(async (io) => {
      const approved = await approveRun({
        config,
        runId,
        decision,
        approvalId: first.approvalId,
        decidedBy,
        ...(comment && { comment }),
        ...io,
      });
      const { continuation } = approved;
      if (continuation.kind === 'leased') {
        writeLine(
          this.#options.progress,
          `decision recorded; another process (${continuation.holder}) is executing run ${runId}`,
        );
      }
      return approved;
    });
  }

  /** Runs a new, resumed or approved run with live progress, then prints its result or what it waits for. */
  async #drive(start: RunStarter): Promise<void> {
    const { store, gateway, output, progress, env } = this.#options;
    const controller = new AbortController();
    this.#running = controller;
    const track: RunEventListener = (event) => {
      if (this.#runIds.at(-1) !== event.runId) this.#runIds.push(event.runId);
    };
    const warnUnpriced: RunEventListener = (event) => {
      if (event.type !== 'llm.completed' || !event.usage.unpricedCalls) return;
      warnUnpricedOnce({ ref: `${event.provider}:${event.model}`, pricing: null }, (line) =>
        writeLine(progress, `agentmesh: warning: ${line}`),
      );
    };
    let run: DrivenRun;
    try {
      run = await start({
        store,
        gateway,
        signal: controller.signal,
        listeners: [track, progressReporter({ stream: progress, env }), warnUnpriced],
      });
    } finally {
      this.#running = undefined;
    }
    const { out, notes } = runOutcomeLines(run);
    for (const line of out) writeLine(output, line);
    for (const line of notes) writeLine(progress, line);
  }

  async #debug(): Promise<void> {
    const { store, output } = this.#options;
    const runId = this.#runIds.at(-1);
    if (!runId) {
      writeLine(output, 'no run in this session yet; type a task first');
      return;
    }
    const run = await store.getRun(runId);
    const calls = await store.llmCalls(runId);
    writeLine(output, `run ${runId} · team ${run?.team ?? this.#team.id} · ${run?.status ?? 'unknown'}`);
    if (calls.length === 0) {
      writeLine(output, 'no LLM calls yet');
      return;
    }
    const { agents, total } = agentCallStats(calls);
    for (const line of debugTable(agents, total)) writeLine(output, line);
  }

  async #listRuns(): Promise<void> {
    const { store, output } = this.#options;
    if (this.#runIds.length === 0) writeLine(output, 'no run in this session yet; type a task first');
    for (const runId of this.#runIds) {
      const run = await store.getRun(runId);
      if (!run) continue;
      const task = run.task.length > 50 ? `${run.task.slice(0, 49)}…` : run.task;
      const stop = run.stopReason ? ` (${run.stopReason})` : '';
      writeLine(output, `${runId}  ${run.status}${stop}  $${run.usage.costUsd.toFixed(6)}  ${task}`);
    }
  }

  /** The current run's approvals still waiting, oldest first. */
  async #waitingApprovals() {
    const runId = this.#runIds.at(-1);
    if (!runId) return [];
    return this.#options.store.approvals({ runId, status: 'pending' });
  }

  /** On the way out: a run left waiting for a decision can still be decided from the shell. */
  async #farewell(): Promise<void> {
    const runId = this.#runIds.at(-1);
    if (runId && (await this.#waitingApprovals()).length > 0) {
      writeLine(
        this.#options.progress,
        `run ${runId} waits for approval; decide it later with agentmesh approve ${runId} [--reject --comment "…"]`,
      );
    }
  }
}
