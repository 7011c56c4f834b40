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
  /** Null when no price is known: its calls are recorded with an unknown cost, never as free. */
  pricing: ModelPricing | null;
  contextWindow: number | null;
  /** Limits of this model alone, on top of its provider's; null when none are set. */
  rateLimit: RateLimitConfig | null;
}

/** Requests and tokens per window, and calls in flight; null means no limit. */
export interface RateLimitConfig {
  rpm: number | null;
  tpm: number | null;
  windowMs: number;
  maxInFlight: number | null;
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
  /** Account-wide limits, shared by every agent using this provider's key. */
  rateLimit: RateLimitConfig;
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
  /** Whether this agent's calls may be answered from the response cache. */
  cache: boolean;
  /** What the agent is good at (`code`, `review`, …); selectors and managers delegate by these. */
  capabilities: string[];
  /** Every output of this agent waits for a human decision. */
  approval: boolean;
  /** Tool names as written in the config (built-in, `mcp:<server>[/<tool>]`, or registered by the library). */
  tools: string[];
  /** Model turns of one step that may call tools; null: `tools.maxRounds`. */
  maxToolRounds: number | null;
}

/** Team patterns; `chat` is the spine's name for `roundrobin`. */
export type TeamPatternName =
  | 'pipeline'
  | 'parallel'
  | 'roundrobin'
  | 'chat'
  | 'selector'
  | 'review-loop'
  | 'handshake'
  | 'hierarchical'
  | 'graph'
  | 'code';

/** How a `selector` team picks its next speaker. */
export interface SelectorConfig {
  /** The agent asked to name the next speaker; null when a rule picks. */
  agent: string | null;
  /** `capabilities`: the agent whose capability the last message names; null when an agent picks. */
  rule: 'capabilities' | null;
  /** Who speaks when the pick is not an allowed name; null: the next agent in order. */
  fallback: string | null;
}

/** One node of a `graph` team. */
export interface GraphNodeConfig {
  id: string;
  agent: string;
  /** How often the node may run; null: once per activation path, and no cycle may pass through it. */
  maxVisits: number | null;
  approval: boolean;
  concurrency: number | null;
  timeoutMs: number | null;
  retries: number | null;
}

/** An edge of a `graph` team: after `from` finishes, `to` runs when `when` (if any) holds. */
export interface GraphEdgeConfig {
  from: string;
  to: string;
  /** The condition's source text, checked to parse when the config loads. */
  when: string | null;
}

/** A `graph` team's nodes, edges and start nodes. */
export interface GraphConfig {
  nodes: Record<string, GraphNodeConfig>;
  edges: GraphEdgeConfig[];
  start: string[];
}

/** Repetition detection: near-duplicate messages or the same tool call with the same arguments. */
export interface RepetitionConfig {
  /** Word-shingle (Jaccard) similarity at or above which a message counts as a repeat, 0..1. */
  threshold: number;
  /** How many recent messages (of the same agent) a message is compared with. */
  window: number;
  /** `stop` the run, or `steer`: give the agent `instruction` on its next turn. */
  action: 'stop' | 'steer';
  instruction: string;
  /** Recent tool calls of one agent in which the same call with the same arguments counts as a repeat. */
  toolCallWindow: number;
}

/** When a run stops, composable with `any`/`all`; each stop sets `stopReason` and keeps the partial result. */
export type TerminationConfig =
  | { any: TerminationConfig[] }
  | { all: TerminationConfig[] }
  | { maxRounds: number }
  | { maxMessages: number }
  | { mention: { text: string; from: string | null } }
  | { maxTokens: number }
  | { maxCostUsd: number }
  | { timeoutMs: number }
  | { repetition: RepetitionConfig };

/** A team: agents and the pattern they follow. */
export interface TeamConfig {
  id: string;
  pattern: TeamPatternName;
  description: string;
  /** Every agent the team uses, once each, in order of appearance (a graph: its nodes' agents). */
  agents: string[];
  /** parallel (and pipeline): agents by stage; a stage starts when the one before it has finished. */
  stages: string[][];
  /** chat: stop after this many full rounds. */
  maxRounds: number;
  /** chat: the agent whose approval ends the conversation. */
  approver: string | null;
  /** chat: the word that counts as approval. */
  approvalKeyword: string;
  /** code, review-loop, handshake: fix/re-propose rounds before the team gives up. */
  maxIterations: number;
  /** Steps of one run running at once; null: `limits.concurrency.run`. */
  concurrency: number | null;
  /** Agents (or graph nodes) whose outputs wait for a human decision. */
  approval: string[];
  /** selector: how the next speaker is picked; null for other patterns. */
  selector: SelectorConfig | null;
  /** hierarchical: most subtasks the manager may delegate. */
  maxSubtasks: number;
  /** graph: nodes and edges; null for other patterns. */
  graph: GraphConfig | null;
  /** Extra stop conditions on top of the pattern's own; null: none. */
  termination: TerminationConfig | null;
}

/** Retry policy of one LLM call on one model. */
export interface RetryConfig {
  /** Retries after the first attempt. */
  maxRetries: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** A budget in USD and tokens; null means no cap. */
export interface Budget {
  usd: number | null;
  tokens: number | null;
}

/** Budgets beyond the single run. */
export interface BudgetsConfig {
  /** All runs in one UTC day. */
  day: Budget;
  /** Per agent id, all runs in one UTC day. */
  agents: Record<string, Budget>;
}

/** When a provider+model's circuit breaker opens and how long it stays open. */
export interface BreakerConfig {
  consecutiveFailures: number;
  /** Open when this share of calls in `windowMs` failed; null: consecutive failures only. */
  failureRatio: number | null;
  minCalls: number;
  windowMs: number;
  cooldownMs: number;
}

/** The bounded queue of calls waiting for a rate limit or a free slot. */
export interface QueueConfig {
  maxWaiting: number;
  timeoutMs: number;
}

/** Limits that apply to every run. */
export interface LimitsConfig {
  /** A call whose worst-case cost would take the run past this is refused. */
  maxCostUsd: number | null;
  /** The same, in prompt + completion tokens. */
  maxTokens: number | null;
  budgets: BudgetsConfig;
  callTimeoutMs: number;
  retry: RetryConfig;
  breaker: BreakerConfig;
  queue: QueueConfig;
  concurrency: ConcurrencyConfig;
  step: StepPolicyConfig;
}

/** Steps running at once. Per provider, `rateLimit.maxInFlight` limits calls; graph nodes have their own. */
export interface ConcurrencyConfig {
  /** In this process, across all runs; null: no cap. */
  global: number | null;
  /** In one run (a team's `concurrency` wins). */
  run: number;
}

/** The executor's policy for each step. */
export interface StepPolicyConfig {
  /** null: no step timeout (each call still has `callTimeoutMs`). */
  timeoutMs: number | null;
  /** Runs again after a retryable failure (the gateway's own retries and fallbacks come first). */
  retries: number;
  backoffMs: number;
}

/** The exact-match response cache. */
export interface CacheConfig {
  enabled: boolean;
  /** Absolute path of its SQLite file, or `:memory:`. */
  path: string;
  ttlMs: number;
  maxEntries: number;
}

/** Limits of the sandbox that runs generated code. */
export interface SandboxConfig {
  /** `auto`: bubblewrap when installed, else a plain subprocess (weaker isolation, said so in results). */
  mode: 'auto' | 'bubblewrap' | 'subprocess';
  timeoutMs: number;
  cpuSeconds: number;
  memoryMb: number;
  maxProcesses: number;
  maxOutputBytes: number;
}

/** An MCP server the agents' tools may come from. */
export type McpServerConfig = {
  /** The name in `tools.mcp`; its tools are offered as `<id>__<tool>`. */
  id: string;
  /** null: each tool's `readOnlyHint` decides. */
  sideEffects: boolean | null;
  needsApproval: boolean;
  /** null: `tools.timeoutMs`. */
  timeoutMs: number | null;
  startupTimeoutMs: number;
} & (
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string | null }
  | { transport: 'http'; url: string; headers: Record<string, string> }
);

/** What the agents' tools may touch, and how the tool-call loop is bounded. */
export interface ToolsConfig {
  /** Absolute directory the file tools are confined to; null: `<artifactsDir>/<runId>/workspace`. */
  workspace: string | null;
  /** Absolute paths or globs `search_notes` indexes. */
  notes: string[];
  /** Absolute path of the notes index (SQLite FTS5). */
  notesIndexPath: string;
  http: { allowHosts: string[]; timeoutMs: number; maxBytes: number };
  timeoutMs: number;
  maxRounds: number;
  maxInvalidArgs: number;
  /** Tool names whose every call waits for a human decision. */
  approval: string[];
  mcp: Record<string, McpServerConfig>;
}

/** A log level (`silent`: nothing). */
export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Thresholds the monitoring agent checks; an alert is raised while one is crossed. */
export interface MonitorThresholds {
  cpuPercent: number;
  memoryPercent: number;
  diskFreePercent: number;
  errorRate: number;
  costPerHourUsd: number;
}

/** Logs, traces and the monitoring agent. */
export interface TelemetryConfig {
  logs: { dir: string; level: LogLevel; maxSizeBytes: number; maxFiles: number };
  /** null: no exporter runs and tracing costs nothing. */
  otlp: { endpoint: string; headers: Record<string, string>; serviceName: string } | null;
  monitor: { intervalMs: number; windowMs: number; thresholds: MonitorThresholds; webhooks: string[] };
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
  cache: CacheConfig;
  sandbox: SandboxConfig;
  tools: ToolsConfig;
  telemetry: TelemetryConfig;
  /**
   * Every secret value the config knows (provider keys, `*KEY*`/`*TOKEN*`/`*SECRET*`/`*PASSWORD*`
   * environment values, MCP env and headers, OTLP headers), for redaction wherever text leaves the process.
   */
  secrets: string[];
  /** `--record FILE` / `--replay FILE`: write or answer from a cassette of provider exchanges; null: neither. */
  cassette: CassetteConfig | null;
}

/** A cassette of provider exchanges (docs/record-replay.md): written with `record`, answered from with `replay`. */
export interface CassetteConfig {
  mode: 'record' | 'replay';
  /** Absolute path of the JSONL file. */
  path: string;
}
