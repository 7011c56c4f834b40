import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { foldRun, type RunState } from '../../core/index.js';
import { AgentMeshError } from '../../errors/index.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { runResult } from '../../runtime/run-result.js';
import { shortArguments, toolCallOutcome } from '../../runtime/tool-call-text.js';
import { transcriptMarkdown } from '../../runtime/write-artifacts.js';
import type { RunStore } from '../../store/run-store.js';
import { traceIdOf } from '../../telemetry/tracing/trace-ids.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

interface StoreFlags {
  db?: string;
  config?: string;
  json?: boolean;
}

async function withStore<T>(
  flags: StoreFlags,
  io: CliIo,
  use: (store: RunStore, config: ResolvedConfig) => Promise<T>,
): Promise<T> {
  const config = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  const store = openRunStore(config);
  try {
    return await use(store, config);
  } finally {
    await store.close();
  }
}

/** `agentmesh runs list`: recent runs, newest first. */
export async function runsListCommand(flags: StoreFlags & { limit?: number }, io: CliIo): Promise<number> {
  const runs = await withStore(flags, io, (store) => store.listRuns({ limit: flags.limit ?? 20 }));
  if (flags.json) {
    writeLine(io.stdout, JSON.stringify(runs));
    return EXIT.ok;
  }
  if (runs.length === 0)
    writeLine(io.stderr, 'No runs yet; start one with agentmesh run "<task>" or agentmesh demo.');
  for (const run of runs) {
    const task = run.task.length > 50 ? `${run.task.slice(0, 49)}…` : run.task;
    writeLine(
      io.stdout,
      [
        run.runId,
        run.status.padEnd(17),
        (run.stopReason ?? '-').padEnd(18),
        run.team.padEnd(10),
        `$${run.usage.costUsd.toFixed(6)}`,
        run.createdAt,
        task,
      ].join('  '),
    );
  }
  return EXIT.ok;
}

/**
 * `agentmesh runs show <id>`: the run's state folded from its log, its transcript, every LLM call, every
 * tool call, the code team's test runs, and the files in its artifacts directory.
 */
export async function runsShowCommand(runId: string, flags: StoreFlags, io: CliIo): Promise<number> {
  return withStore(flags, io, async (store, config) => {
    const events = await store.events(runId);
    if (events.length === 0) {
      throw new AgentMeshError({
        code: 'run_not_found',
        message: `No run ${runId} in this store; list runs with agentmesh runs list (or pass --db).`,
        context: { runId },
      });
    }
    const state = foldRun(events);
    const calls = await store.llmCalls(runId);
    const artifactsDir = join(config.store.artifactsDir, runId);
    const artifacts = listFiles(artifactsDir);
    if (flags.json) {
      writeLine(
        io.stdout,
        JSON.stringify({
          ...runResult(state, null),
          traceId: traceIdOf(runId),
          task: state.task,
          transcript: state.transcript,
          steps: state.steps,
          llmCalls: calls,
          toolCalls: state.toolCalls,
          testRuns: state.testRuns,
          artifactsDir: artifacts.length > 0 ? artifactsDir : null,
          artifacts,
          events: events.length,
        }),
      );
      return EXIT.ok;
    }
    writeLine(io.stdout, transcriptMarkdown(state));
    writeLine(io.stdout, `trace: ${traceIdOf(runId)}`);
    writeLine(io.stdout);
    writeLine(io.stdout, '## LLM calls');
    writeLine(io.stdout);
    for (const call of calls) {
      const outcome =
        call.outcome === 'ok'
          ? `ok ${call.promptTokens}+${call.completionTokens} tok (${call.cachedTokens} cached) $${call.costUsd.toFixed(6)}`
          : `error ${call.errorCode}: ${call.errorMessage}`;
      writeLine(
        io.stdout,
        `- ${call.stepId} ${call.agentId} ${call.provider}:${call.model} attempt ${call.attempt} ${call.latencyMs}ms ${outcome}`,
      );
    }
    writeToolCalls(state, io);
    writeTestRuns(state, io);
    writeLine(io.stdout);
    writeLine(io.stdout, '## Artifacts');
    writeLine(io.stdout);
    if (artifacts.length === 0) writeLine(io.stdout, `(none in ${artifactsDir})`);
    else writeLine(io.stdout, artifactsDir);
    for (const file of artifacts) writeLine(io.stdout, `- ${file}`);
    return EXIT.ok;
  });
}

/** Every tool call, step by step in the order the steps ran: tool, arguments (shortened), outcome. */
function writeToolCalls(state: RunState, io: CliIo): void {
  if (state.toolCalls.length === 0) return;
  writeLine(io.stdout);
  writeLine(io.stdout, '## Tool calls');
  writeLine(io.stdout);
  const order = new Map(state.steps.map((step, index) => [step.stepId, index]));
  const calls = [...state.toolCalls].sort(
    (a, b) => (order.get(a.stepId) ?? 0) - (order.get(b.stepId) ?? 0) || a.index - b.index,
  );
  for (const call of calls) {
    writeLine(
      io.stdout,
      `- ${call.stepId} ${call.agentId} ${call.tool} ${shortArguments(call.arguments)} ${toolCallOutcome(call, state.approvals)}`,
    );
  }
}

function writeTestRuns(state: RunState, io: CliIo): void {
  if (state.testRuns.length === 0) return;
  writeLine(io.stdout);
  writeLine(io.stdout, '## Test runs');
  writeLine(io.stdout);
  for (const run of state.testRuns) {
    const { passed, failed, errors } = run.counts;
    const outcome =
      run.notRun !== undefined
        ? `not run: ${run.notRun}`
        : `${run.passed ? 'passed' : 'failed'}: ${passed} passed, ${failed} failed, ${errors} errors`;
    writeLine(
      io.stdout,
      `- iteration ${run.iteration} (${run.stepId}) ${outcome} · ${run.isolation} · ${run.durationMs}ms`,
    );
  }
}

/** Every file under `dir`, relative and sorted; none when the directory does not exist (e.g. another machine). */
function listFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch {
    return [];
  }
  return entries
    .filter((entry) => statSync(join(dir, entry)).isFile())
    .map((entry) => relative(dir, join(dir, entry)).replaceAll('\\', '/'))
    .sort();
}
