import { AgentMeshError } from '../errors/index.js';
import { isSimFault, SIM_FAULTS, type SimFault } from './sim-fault.js';

/** The wire flavours the simulator speaks. */
export const SIM_STYLES = ['openrouter', 'deepseek', 'openai'] as const;

/** Which provider's wire format the simulator imitates. */
export type SimStyle = (typeof SIM_STYLES)[number];

/** How to start the simulator; every field is optional. */
export interface SimulatorOptions {
  /** TCP port; 0 picks a free one. @default 0 */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Total answer time, spread over the stream chunks. @default 0 */
  latencyMs?: number;
  /** Delay before the first chunk (or the body when not streaming). @default 0 */
  ttftMs?: number;
  /** Probability (0..1) that a request gets a fault drawn from `faults`. @default 0 */
  failRate?: number;
  /** HTTP status of injected 'error' faults. @default 500 */
  failStatus?: number;
  /** The faults `failRate` draws from. @default ['error'] */
  faults?: SimFault[];
  /** The first N requests fail with the first fault kind, deterministically. @default 0 */
  failFirst?: number;
  /** Retry-After (seconds) on injected 429s. @default 1 */
  retryAfterSeconds?: number;
  /** Same seed and same requests give the same answers and the same faults. @default 42 */
  seed?: number;
  /** Wire flavour. @default 'openrouter' */
  style?: SimStyle;
  /** Ids listed by GET /v1/models. @default ['deepseek/deepseek-chat-v3-0324', 'sim-model'] */
  models?: string[];
  /** How many requests the request log keeps (the newest). @default 100_000 */
  requestLogLimit?: number;
}

/** The options that can change while the simulator runs (`configure()`, `POST /sim/config`). */
export const SIM_RUNTIME_OPTIONS = [
  'latencyMs',
  'ttftMs',
  'failRate',
  'failStatus',
  'faults',
  'retryAfterSeconds',
] as const;

/** Faults and latency: what {@link SIM_RUNTIME_OPTIONS} names. */
export type SimRuntimeOptions = Pick<ResolvedSimulatorOptions, (typeof SIM_RUNTIME_OPTIONS)[number]>;

/** {@link SimulatorOptions} with defaults filled in and values checked. */
export type ResolvedSimulatorOptions = Required<SimulatorOptions>;

/** Fills defaults and rejects out-of-range values with a `usage` error naming the option. */
export function resolveSimulatorOptions(options: SimulatorOptions = {}): ResolvedSimulatorOptions {
  const resolved: ResolvedSimulatorOptions = {
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    latencyMs: options.latencyMs ?? 0,
    ttftMs: options.ttftMs ?? 0,
    failRate: options.failRate ?? 0,
    failStatus: options.failStatus ?? 500,
    faults: options.faults ?? ['error'],
    failFirst: options.failFirst ?? 0,
    retryAfterSeconds: options.retryAfterSeconds ?? 1,
    seed: options.seed ?? 42,
    style: options.style ?? 'openrouter',
    models: options.models ?? ['deepseek/deepseek-chat-v3-0324', 'sim-model'],
    requestLogLimit: options.requestLogLimit ?? 100_000,
  };
  checkRange('requestLogLimit', resolved.requestLogLimit, 1, Number.MAX_SAFE_INTEGER, true);
  checkRange('port', resolved.port, 0, 65_535, true);
  checkRange('latencyMs', resolved.latencyMs, 0, Number.MAX_SAFE_INTEGER, false);
  checkRange('ttftMs', resolved.ttftMs, 0, Number.MAX_SAFE_INTEGER, false);
  checkRange('failRate', resolved.failRate, 0, 1, false);
  checkRange('failStatus', resolved.failStatus, 400, 599, true);
  checkRange('failFirst', resolved.failFirst, 0, Number.MAX_SAFE_INTEGER, true);
  checkRange('retryAfterSeconds', resolved.retryAfterSeconds, 0, 86_400, true);
  checkRange('seed', resolved.seed, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, false);
  if (resolved.faults.length === 0 || !resolved.faults.every(isSimFault)) {
    usage(`Simulator option faults must be a non-empty list of ${SIM_FAULTS.join(', ')}`);
  }
  if (!SIM_STYLES.includes(resolved.style)) {
    usage(`Simulator option style must be one of ${SIM_STYLES.join(', ')}, got ${String(resolved.style)}`);
  }
  if (resolved.models.length === 0 || resolved.models.some((m) => typeof m !== 'string' || m === '')) {
    usage('Simulator option models must be a non-empty list of model ids');
  }
  return resolved;
}

/**
 * The options after a run-time change: `partial` may set only {@link SIM_RUNTIME_OPTIONS}, each checked
 * as at start. Throws a `usage` error naming the option; the current options are then left as they were.
 */
export function reconfigureSimulator(
  current: ResolvedSimulatorOptions,
  partial: unknown,
): ResolvedSimulatorOptions {
  if (typeof partial !== 'object' || partial === null || Array.isArray(partial)) {
    usage(`Simulator config must be a JSON object with any of ${SIM_RUNTIME_OPTIONS.join(', ')}`);
  }
  const fixed = Object.keys(partial).filter(
    (key) => !(SIM_RUNTIME_OPTIONS as readonly string[]).includes(key),
  );
  if (fixed.length > 0) {
    usage(
      `Simulator option ${fixed.join(', ')} cannot change while it runs; changeable: ${SIM_RUNTIME_OPTIONS.join(', ')}`,
    );
  }
  if ('faults' in partial && !Array.isArray(partial.faults)) {
    usage(`Simulator option faults must be a non-empty list of ${SIM_FAULTS.join(', ')}`);
  }
  const given = Object.fromEntries(Object.entries(partial).filter(([, value]) => value !== undefined));
  return resolveSimulatorOptions({ ...current, ...given });
}

/** The run-time part of resolved options. */
export function runtimeOptionsOf(options: ResolvedSimulatorOptions): SimRuntimeOptions {
  const { latencyMs, ttftMs, failRate, failStatus, faults, retryAfterSeconds } = options;
  return { latencyMs, ttftMs, failRate, failStatus, faults: [...faults], retryAfterSeconds };
}

function checkRange(name: string, value: number, min: number, max: number, integer: boolean): void {
  const ok = Number.isFinite(value) && value >= min && value <= max && (!integer || Number.isInteger(value));
  if (!ok) {
    const kind = integer ? 'an integer' : 'a number';
    usage(`Simulator option ${name} must be ${kind} between ${min} and ${max}, got ${value}`);
  }
}

function usage(message: string): never {
  throw new AgentMeshError({ code: 'usage', message });
}
