import { resolveTeam } from '../config/resolve-config.js';
import type { ResolvedConfig } from '../config/resolved-config.js';
import { newRunId, type RunEvent, type RunStartedEvent } from '../core/index.js';
import { AgentMeshError } from '../errors/index.js';
import type { RunStore } from '../store/run-store.js';
import type { DrivenRun } from './drive-run.js';
import { forkEvents } from './fork-events.js';
import { openToolbox } from './open-toolbox.js';
import { checkApiKeys } from './preflight.js';
import { type ResumeRunOptions, resumeRun } from './resume-run.js';

/** Options for {@link forkRun}: those of a resume, with the source run and step instead of a run id. */
export interface ForkRunOptions extends Omit<ResumeRunOptions, 'runId'> {
  /** The config of the new run (the source's, changed by `--set`). */
  config: ResolvedConfig;
  sourceRunId: string;
  /** 1-based step K: the fork keeps the steps completed before step K first started. */
  fromStep: number;
}

/**
 * The opening events of a fork, checked before anything is stored: the source run exists, step K is
 * one of its steps, its team resolves in the new config and has its API keys.
 * @throws AgentMeshError `run_not_found`, `usage` (K out of range), `unknown_team`, `missing_api_key`
 */
export async function prepareFork(options: {
  config: ResolvedConfig;
  store: RunStore;
  sourceRunId: string;
  fromStep: number;
  now?: () => Date;
}): Promise<RunEvent[]> {
  const { config, store, sourceRunId, fromStep, now = () => new Date() } = options;
  const source = await store.events(sourceRunId);
  const [started] = source;
  if (started?.type !== 'run.started') {
    throw new AgentMeshError({
      code: 'run_not_found',
      message: `No run ${sourceRunId} in the run store; agentmesh runs list shows the stored runs.`,
      context: { runId: sourceRunId },
    });
  }
  const team = resolveTeam(config, started.team);
  checkApiKeys(config, team);
  const at = now();
  return forkEvents({
    source,
    fromStep,
    runId: newRunId(at),
    at: at.toISOString(),
    team: { pattern: team.pattern, agents: team.agents },
  });
}

/**
 * `runs fork`: starts a new run whose log reuses the source run's up to step K, then continues it as
 * a resume does, with the new config. The copied events go in with one `appendAll` (all or nothing);
 * completed steps are read back from them and never run (or paid for) again.
 */
export async function forkRun(options: ForkRunOptions): Promise<DrivenRun> {
  const { sourceRunId, fromStep, ...resume } = options;
  const events = await prepareFork({ ...resume, sourceRunId, fromStep });
  // forkEvents begins every fork's log with its run.started.
  const started = events[0] as RunStartedEvent;
  const runId = started.runId;
  // The new run's tools are opened before its log is stored: a tool that cannot be had stores nothing.
  const ownToolbox = resume.toolbox
    ? undefined
    : await openToolbox({
        config: resume.config,
        team: resolveTeam(resume.config, started.team),
        runId,
        signal: resume.signal,
        ...(resume.tools && { customTools: resume.tools }),
        ...(resume.sandbox && { sandbox: resume.sandbox }),
      });
  const toolbox = resume.toolbox ?? ownToolbox;
  try {
    await resume.store.appendAll(events);
    return await resumeRun({ ...resume, runId, ...(toolbox && { toolbox }) });
  } finally {
    await ownToolbox?.close();
  }
}
