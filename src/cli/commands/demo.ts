import { startSimulator } from '../../sim/simulator.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { executeAndReport, startNewRun } from '../execute-and-report.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** The built-in example task of the demo. */
export const DEMO_TASK =
  'Write a Python function that converts ISO-8601 durations such as "PT1H30M" or "P2DT3H" into seconds, ' +
  'rejecting malformed input with a clear error, and include unit tests.';

/**
 * `agentmesh demo`: the pipeline team on the example task. Live against OpenRouter when
 * OPENROUTER_API_KEY is set; otherwise against the in-process simulator, and it says so.
 */
export async function demoCommand(flags: RunnerFlags & { offline?: boolean }, io: CliIo): Promise<number> {
  const live = Boolean(io.env.OPENROUTER_API_KEY) && !flags.offline && !flags.baseUrl;
  if (live) {
    writeLine(
      io.stderr,
      'agentmesh demo: LIVE run against OpenRouter (OPENROUTER_API_KEY is set; pass --offline to simulate).',
    );
    const config = await resolveCliConfig(flags, io);
    return executeAndReport({
      config,
      start: startNewRun(config, DEMO_TASK, flags.team ?? 'pipeline'),
      json: Boolean(flags.json),
      io,
    });
  }
  const sim = await startSimulator({ latencyMs: 300, ttftMs: 100 });
  try {
    writeLine(
      io.stderr,
      `agentmesh demo: SIMULATED MODEL — no provider key is used; answers come from the built-in simulator at ${sim.url}.`,
    );
    writeLine(
      io.stderr,
      'agentmesh demo: set OPENROUTER_API_KEY to run the same team live against DeepSeek V3 on OpenRouter.',
    );
    // The simulator answers as the configured default model would, so the id comes from config.
    const defaults = await resolveCliConfig({ ...flags, model: undefined }, io);
    const model = flags.model ?? defaults.models[defaults.defaultModel]?.id ?? defaults.defaultModel;
    const config = await resolveCliConfig({ ...flags, baseUrl: sim.url, model, apiKey: 'simulated' }, io);
    return await executeAndReport({
      config,
      start: startNewRun(config, DEMO_TASK, flags.team ?? 'pipeline'),
      json: Boolean(flags.json),
      io,
    });
  } finally {
    await sim.close();
  }
}
