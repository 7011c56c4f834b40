import type { LimitsConfig } from '../resolved-config.js';

/** Limits used when agentmesh.yaml sets none: no cost cap, 2-minute calls, 3 retries with backoff. */
export const DEFAULT_LIMITS: LimitsConfig = {
  maxCostUsd: null,
  callTimeoutMs: 120_000,
  retry: { maxRetries: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 },
};

/** Whether answers are streamed when agentmesh.yaml does not say. */
export const DEFAULT_STREAM = false;

/** Store locations relative to the working directory. */
export const DEFAULT_STORE = { path: '.agentmesh/agentmesh.db', artifactsDir: '.agentmesh/runs' } as const;
