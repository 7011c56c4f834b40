import { AgentMeshError } from '../../errors/index.js';
import {
  isSimFault,
  SIM_FAULTS,
  SIM_STYLES,
  type SimStyle,
  type SimulatorOptions,
  simControlUrl,
  startSimulator,
} from '../../sim/index.js';
import { type CliIo, writeLine } from '../cli-io.js';

/** `agentmesh sim` flags as commander hands them over: numbers may still be strings, lists comma-joined. */
export interface SimCommandOptions {
  port?: number | string;
  host?: string;
  latencyMs?: number | string;
  ttftMs?: number | string;
  failRate?: number | string;
  failStatus?: number | string;
  /** Comma list, e.g. `error,rate_limit`. */
  faults?: string | string[];
  failFirst?: number | string;
  /** Retry-After seconds on injected 429s. */
  retryAfter?: number | string;
  seed?: number | string;
  style?: string;
  /** Model ids for GET /v1/models, comma list. */
  models?: string | string[];
}

/** Runs the simulator until Ctrl-C: the URL on stdout, a description on stderr. Exit code 0. */
export async function simCommand(options: SimCommandOptions, io: CliIo): Promise<number> {
  const simOptions = toSimulatorOptions(options);
  const sim = await startSimulator(simOptions).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new AgentMeshError({
        code: 'usage',
        message: `--port ${simOptions.port} is already in use; pick another port or --port 0 for any free one`,
        cause: error,
      });
    }
    throw error;
  });
  const style = simOptions.style ?? 'openrouter';
  const seed = simOptions.seed ?? 42;
  writeLine(
    io.stderr,
    `agentmesh sim listening on ${sim.url} (simulated model; style ${style}, seed ${seed}${faultNote(simOptions)})`,
  );
  const control = simControlUrl(sim.url);
  writeLine(
    io.stderr,
    `control: GET ${control}/requests (request log), POST ${control}/config (faults, latency)`,
  );
  writeLine(io.stdout, sim.url);
  await abortOf(io.signal);
  await sim.close();
  const { requests, failures } = sim.stats();
  const noun = requests === 1 ? 'request' : 'requests';
  writeLine(io.stderr, `agentmesh sim stopped after ${requests} ${noun} (${failures} with injected faults)`);
  return 0;
}

/** Checks every flag and converts it; throws a `usage` error naming the flag. */
export function toSimulatorOptions(options: SimCommandOptions): SimulatorOptions {
  return {
    port: numberFlag('--port', options.port, { min: 0, max: 65_535, integer: true }),
    host: options.host,
    latencyMs: numberFlag('--latency-ms', options.latencyMs, { min: 0 }),
    ttftMs: numberFlag('--ttft-ms', options.ttftMs, { min: 0 }),
    failRate: numberFlag('--fail-rate', options.failRate, { min: 0, max: 1 }),
    failStatus: numberFlag('--fail-status', options.failStatus, { min: 400, max: 599, integer: true }),
    faults: faultsFlag(options.faults),
    failFirst: numberFlag('--fail-first', options.failFirst, { min: 0, integer: true }),
    retryAfterSeconds: numberFlag('--retry-after', options.retryAfter, {
      min: 0,
      max: 86_400,
      integer: true,
    }),
    seed: numberFlag('--seed', options.seed, { integer: true }),
    style: styleFlag(options.style),
    models: options.models === undefined ? undefined : listOf(options.models),
  };
}

/** `, fail-rate 0.2, fail-first 1 (error,hang)` when faults are on, else nothing. */
function faultNote({ failRate = 0, failFirst = 0, faults = ['error'] }: SimulatorOptions): string {
  const parts = [failRate > 0 ? `fail-rate ${failRate}` : '', failFirst > 0 ? `fail-first ${failFirst}` : ''];
  const active = parts.filter((p) => p !== '');
  return active.length === 0 ? '' : `, ${active.join(', ')} (${faults.join(',')})`;
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

function numberFlag(flag: string, raw: number | string | undefined, rule: NumberRule): number | undefined {
  if (raw === undefined) return undefined;
  const value = typeof raw === 'number' ? raw : raw.trim() === '' ? Number.NaN : Number(raw);
  if (!Number.isFinite(value)) usage(`${flag} must be a number, got ${JSON.stringify(raw)}`);
  if (rule.integer && !Number.isInteger(value)) usage(`${flag} must be a whole number, got ${raw}`);
  const { min = Number.NEGATIVE_INFINITY, max = Number.POSITIVE_INFINITY } = rule;
  if (value < min || value > max) {
    usage(
      max === Number.POSITIVE_INFINITY
        ? `${flag} must be at least ${min}, got ${raw}`
        : `${flag} must be between ${min} and ${max}, got ${raw}`,
    );
  }
  return value;
}

function faultsFlag(raw: string | string[] | undefined): SimulatorOptions['faults'] {
  if (raw === undefined) return undefined;
  const names = listOf(raw);
  if (names.length === 0) usage(`--faults needs at least one of ${SIM_FAULTS.join(', ')}`);
  const unknown = names.filter((name) => !isSimFault(name));
  if (unknown.length > 0)
    usage(`--faults: unknown fault ${unknown.join(', ')}; use any of ${SIM_FAULTS.join(', ')}`);
  return names.filter(isSimFault);
}

function styleFlag(raw: string | undefined): SimStyle | undefined {
  if (raw === undefined) return undefined;
  const style = SIM_STYLES.find((s) => s === raw);
  if (!style) usage(`--style must be one of ${SIM_STYLES.join(', ')}, got ${raw}`);
  return style;
}

function listOf(raw: string | string[]): string[] {
  return (Array.isArray(raw) ? raw : [raw])
    .flatMap((item) => item.split(','))
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function abortOf(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
}

function usage(message: string): never {
  throw new AgentMeshError({ code: 'usage', message });
}
