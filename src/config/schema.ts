import type { z } from 'zod';
import {
  envName,
  flag,
  freeForm,
  httpUrl,
  mapping,
  numberIn,
  oneOf,
  opt,
  recordOf,
  text,
  textList,
} from './schema-fields.js';

/** Team patterns the runtime knows. */
export const TEAM_PATTERNS = ['pipeline', 'chat'] as const;

/** `providers.<id>`: an OpenAI-compatible endpoint; for a built-in id, only the given fields change. */
export const providerFileSchema = mapping({
  baseUrl: opt(httpUrl()),
  /** Usually `${SOME_API_KEY}`; wins over `apiKeyEnv`. */
  apiKey: opt(text()),
  apiKeyEnv: opt(envName()),
  headers: opt(recordOf(text(), 'header names to string values')),
  requiresApiKey: opt(flag()),
  streamUsage: opt(flag()),
});

/** `models.<provider:id>`: prices in USD per 1M tokens and the context window. */
export const modelFileSchema = mapping({
  input: opt(numberIn({ min: 0 })),
  cachedInput: opt(numberIn({ min: 0 })),
  output: opt(numberIn({ min: 0 })),
  contextWindow: opt(numberIn({ min: 1, int: true })),
});

/** `agents.<id>`: a built-in role id overrides the given fields; a new agent needs `role` or `systemPrompt`. */
export const agentFileSchema = mapping({
  role: opt(text({ nonEmpty: true })),
  systemPrompt: opt(text({ nonEmpty: true })),
  /** Bump when you change `systemPrompt`, so runs record which prompt produced what. */
  promptVersion: opt(numberIn({ min: 1, int: true })),
  model: opt(text({ nonEmpty: true })),
  fallbackModels: opt(textList({ what: 'model refs' })),
  temperature: opt(numberIn({ min: 0, max: 2 })),
  maxTokens: opt(numberIn({ min: 1, int: true })),
});

/** `teams.<id>`: agents and the pattern they follow. */
export const teamFileSchema = mapping({
  pattern: opt(oneOf(TEAM_PATTERNS)),
  description: opt(text()),
  agents: opt(textList({ min: 1, what: 'agent ids' })),
  maxRounds: opt(numberIn({ min: 1, int: true })),
  /** `null` explicitly removes a built-in team's approver. */
  approver: opt(text({ nonEmpty: true })),
  approvalKeyword: opt(text({ nonEmpty: true })),
});

/** `limits`: budgets, timeouts and retries for every run. */
export const limitsFileSchema = mapping({
  /** `null` explicitly removes the cap. */
  maxCostUsd: opt(numberIn({ min: 0 })),
  callTimeoutMs: opt(numberIn({ min: 1, int: true })),
  retry: opt(
    mapping({
      maxRetries: opt(numberIn({ min: 0, int: true })),
      baseDelayMs: opt(numberIn({ min: 0, int: true })),
      maxDelayMs: opt(numberIn({ min: 0, int: true })),
    }),
  ),
});

/** The whole of `agentmesh.yaml`; every section is optional. */
export const fileConfigSchema = mapping({
  defaults: opt(mapping({ model: opt(text({ nonEmpty: true })), team: opt(text({ nonEmpty: true })) })),
  providers: opt(recordOf(opt(providerFileSchema), 'provider ids to provider settings')),
  models: opt(recordOf(opt(modelFileSchema), 'model refs (provider:model-id) to prices')),
  agents: opt(recordOf(opt(agentFileSchema), 'agent ids to agent settings')),
  teams: opt(recordOf(opt(teamFileSchema), 'team ids to team settings')),
  limits: opt(limitsFileSchema),
  store: opt(mapping({ path: opt(text({ nonEmpty: true })), artifactsDir: opt(text({ nonEmpty: true })) })),
  stream: opt(flag()),
  // Accepted now, read by later features (response cache, PII guard, telemetry, distributed workers).
  cache: opt(freeForm()),
  guard: opt(freeForm()),
  telemetry: opt(freeForm()),
  redis: opt(freeForm()),
});

/** `agentmesh.yaml` after parsing, interpolation and validation. */
export type FileConfig = z.infer<typeof fileConfigSchema>;
/** One `providers.<id>` entry. */
export type ProviderFileConfig = z.infer<typeof providerFileSchema>;
/** One `models.<ref>` entry. */
export type ModelFileConfig = z.infer<typeof modelFileSchema>;
/** One `agents.<id>` entry. */
export type AgentFileConfig = z.infer<typeof agentFileSchema>;
/** One `teams.<id>` entry. */
export type TeamFileConfig = z.infer<typeof teamFileSchema>;
