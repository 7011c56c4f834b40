/** Prices in USD per 1M tokens. */
export interface ModelPricing {
  inputPer1M: number;
  /** Price of prompt tokens served from the provider's cache. */
  cachedInputPer1M: number;
  outputPer1M: number;
}

/** A model known to the config, addressed by its ref `provider:model-id`. */
export interface ModelInfo {
  /** `provider:model-id`; the id may itself contain colons (`:free`). */
  ref: string;
  provider: string;
  /** The id sent to the provider. */
  id: string;
  pricing: ModelPricing | null;
  contextWindow: number | null;
}

/** An OpenAI-compatible endpoint (OpenRouter, DeepSeek, OpenAI, Ollama, vLLM, llama.cpp, …). */
export interface ProviderConfig {
  id: string;
  kind: 'openai-compatible';
  baseUrl: string;
  /** Name of the environment variable holding the key, e.g. `OPENROUTER_API_KEY`. */
  apiKeyEnv: string | null;
  /** The key itself, after `${ENV}` interpolation or read from `apiKeyEnv`. Never logged. */
  apiKey: string | null;
  /** Local servers need no key. */
  requiresApiKey: boolean;
  /** Extra headers on every request (OpenRouter attribution). */
  headers: Record<string, string>;
  /** Ask for `stream_options.include_usage` when streaming. */
  streamUsage: boolean;
}

/** A role agent. */
export interface AgentConfig {
  id: string;
  role: string;
  systemPrompt: string;
  promptVersion: number;
  /** Model ref of the primary model. */
  model: string;
  /** Model refs tried in order when the primary fails. */
  fallbackModels: string[];
  temperature: number;
  maxTokens: number;
}

/** A team: agents and the pattern they follow. */
export interface TeamConfig {
  id: string;
  pattern: 'pipeline' | 'chat';
  description: string;
  agents: string[];
  /** chat: stop after this many full rounds. */
  maxRounds: number;
  /** chat: the agent whose approval ends the conversation. */
  approver: string | null;
  /** chat: the word that counts as approval. */
  approvalKeyword: string;
}

/** Retry policy of one LLM call on one model. */
export interface RetryConfig {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** Limits that apply to every run. */
export interface LimitsConfig {
  /** Stop a run before a step once its cost reaches this. */
  maxCostUsd: number | null;
  callTimeoutMs: number;
  retry: RetryConfig;
}

/** The configuration after parsing, defaults and checks: nothing optional left. */
export interface ResolvedConfig {
  /** The file it came from, or null for built-in defaults only. */
  source: string | null;
  defaultModel: string;
  defaultTeam: string;
  providers: Record<string, ProviderConfig>;
  models: Record<string, ModelInfo>;
  agents: Record<string, AgentConfig>;
  teams: Record<string, TeamConfig>;
  limits: LimitsConfig;
  store: { path: string; artifactsDir: string };
  /** Stream answers from providers. */
  stream: boolean;
}
