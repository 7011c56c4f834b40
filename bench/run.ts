/**
 * Runs every benchmark; each prints its numbers as a ratio against a baseline measured in the same run.
 * `npm run bench` runs them all; `npm run bench -- gateway cache` runs the named ones.
 */
import { cacheHitLatency } from './cache-hit.js';
import { concurrentPipelines } from './concurrent-pipelines.js';
import { benchGatewayOverhead } from './gateway-overhead.js';
import { limiterAccuracy } from './limiter-accuracy.js';
import { notesSearch } from './notes-search.js';
import { sandboxOverhead } from './sandbox-overhead.js';
import { serverLoad } from './server-load.js';
import { benchStepOverhead } from './step-overhead.js';
import { telemetryOverhead } from './telemetry-overhead.js';
import { toolLoopOverhead } from './tool-loop-overhead.js';
import { workflowMakespan } from './workflow-makespan.js';

/** A benchmark that reports lines instead of printing as it goes. */
const reporting = (bench: () => Promise<{ name: string; lines: string[] }>) => async (): Promise<void> => {
  const { name, lines } = await bench();
  console.log(name);
  for (const line of lines) console.log(`  ${line}`);
};

const BENCHMARKS: Record<string, () => Promise<unknown>> = {
  step: benchStepOverhead,
  gateway: benchGatewayOverhead,
  cache: reporting(cacheHitLatency),
  limiter: reporting(limiterAccuracy),
  sandbox: reporting(sandboxOverhead),
  makespan: reporting(workflowMakespan),
  pipelines: reporting(concurrentPipelines),
  notes: reporting(notesSearch),
  tools: reporting(toolLoopOverhead),
  telemetry: reporting(telemetryOverhead),
  server: reporting(serverLoad),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHMARKS));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHMARKS).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
  await BENCHMARKS[name]!();
  console.log('');
}
