import { foldRun } from '../../core/index.js';
import { AgentMeshError } from '../../errors/index.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { runResult } from '../../runtime/run-result.js';
import { transcriptMarkdown } from '../../runtime/write-artifacts.js';
import type { RunStore } from '../../store/run-store.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';

interface StoreFlags {
  db?: string;
  config?: string;
  json?: boolean;
}

async function withStore<T>(flags: StoreFlags, io: CliIo, use: (store: RunStore) => Promise<T>): Promise<T> {
  const config = await resolveCliConfig(
    { ...(flags.db && { db: flags.db }), ...(flags.config && { config: flags.config }) },
    io,
  );
  const store = openRunStore(config);
  try {
    return await use(store);
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
        run.status.padEnd(9),
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

/** `agentmesh runs show <id>`: the run's state folded from its log, its transcript and every LLM call. */
export async function runsShowCommand(runId: string, flags: StoreFlags, io: CliIo): Promise<number> {
  return withStore(flags, io, async (store) => {
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
    if (flags.json) {
      writeLine(
        io.stdout,
        JSON.stringify({
          ...runResult(state, null),
          task: state.task,
          transcript: state.transcript,
          steps: state.steps,
          llmCalls: calls,
          events: events.length,
        }),
      );
      return EXIT.ok;
    }
    writeLine(io.stdout, transcriptMarkdown(state));
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
    return EXIT.ok;
  });
}
