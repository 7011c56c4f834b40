import type { LimitsConfig, RateLimitConfig, SandboxConfig } from '../resolved-config.js';

/**
 * Limits used when agentmesh.yaml sets none: no budgets, 2-minute calls, 3 retries with backoff,
 * a breaker that opens after 5 failures in a row for 30 s, and at most 1,000 calls waiting 5 minutes.
 */
export const DEFAULT_LIMITS: LimitsConfig = {
  maxCostUsd: null,
  maxTokens: null,
  budgets: { day: { usd: null, tokens: null }, agents: {} },
  callTimeoutMs: 120_000,
  retry: { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 },
  breaker: { consecutiveFailures: 5, failureRatio: null, minCalls: 10, windowMs: 60_000, cooldownMs: 30_000 },
  queue: { maxWaiting: 1_000, timeoutMs: 300_000 },
  // No global cap by default: provider rate limits already bound calls; one run runs 8 steps at once.
  concurrency: { global: null, run: 8 },
  // The gateway retries calls and falls back; a step is run again only when asked to.
  step: { timeoutMs: null, retries: 0, backoffMs: 1_000 },
};

/** No rate limit until the config sets one; `rpm`/`tpm` count per minute. */
export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  rpm: null,
  tpm: null,
  windowMs: 60_000,
  maxInFlight: null,
};

/** The response cache is on: an identical request (same model, prompt and settings) is not paid for twice. */
export const DEFAULT_CACHE = {
  enabled: true,
  path: '.agentmesh/cache.db',
  ttlSeconds: 7 * 24 * 3600,
  maxEntries: 10_000,
} as const;

/** Sandbox limits for generated code and its tests. */
export const DEFAULT_SANDBOX: SandboxConfig = {
  mode: 'auto',
  timeoutMs: 60_000,
  cpuSeconds: 30,
  memoryMb: 1_024,
  maxProcesses: 64,
  maxOutputBytes: 1_000_000,
};

/** Most subtasks a hierarchical manager may delegate. */
export const DEFAULT_MAX_SUBTASKS = 8;

/** Runner/debugger rounds of the code team. */
export const DEFAULT_MAX_ITERATIONS = 3;

/** Whether answers are streamed when agentmesh.yaml does not say. */
export const DEFAULT_STREAM = false;

/** Store locations relative to the working directory. */
export const DEFAULT_STORE = { path: '.agentmesh/agentmesh.db', artifactsDir: '.agentmesh/runs' } as const;

/** Built-in tools an agent can be given by name (`agents.<id>.tools`). */
export const BUILTIN_TOOL_NAMES = [
  'read_file',
  'list_files',
  'write_file',
  'search_notes',
  'http_get',
  'run_code',
  'run_tests',
] as const;

/** Tool-loop bounds and tool limits when `tools:` says nothing. */
export const DEFAULT_TOOLS = {
  notesIndex: '.agentmesh/notes.db',
  http: { timeoutMs: 10_000, maxBytes: 200_000 },
  timeoutMs: 30_000,
  maxRounds: 8,
  maxInvalidArgs: 2,
  mcpStartupTimeoutMs: 30_000,
} as const;

/** Telemetry when `telemetry:` says nothing: info logs rotated at 10 MB (5 kept), no traces, a 30 s monitor. */
export const DEFAULT_TELEMETRY = {
  logs: { dir: '.agentmesh/logs', level: 'info', maxSizeMb: 10, maxFiles: 5 },
  serviceName: 'agentmesh',
  monitor: {
    intervalSeconds: 30,
    windowSeconds: 3_600,
    thresholds: {
      cpuPercent: 90,
      memoryPercent: 90,
      diskFreePercent: 5,
      errorRate: 0.25,
      costPerHourUsd: 10,
    },
  },
} as const;
