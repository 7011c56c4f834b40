import { z } from 'zod';
import {
  agentList,
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
export const TEAM_PATTERNS = [
  'pipeline',
  'parallel',
  'roundrobin',
  /** The spine's name for `roundrobin`; kept so existing files keep working. */
  'chat',
  'selector',
  'review-loop',
  'handshake',
  'hierarchical',
  'graph',
  'code',
] as const;

/** Where the code team runs generated code. */
export const SANDBOX_MODES = ['auto', 'bubblewrap', 'subprocess'] as const;

/** `rateLimit:` of a provider or a model: requests and tokens per window, and calls in flight. */
export const rateLimitFileSchema = mapping({
  /** Requests per window (per minute unless `windowMs` says otherwise). */
  rpm: opt(numberIn({ min: 1, int: true })),
  /** Prompt + completion tokens per window. */
  tpm: opt(numberIn({ min: 1, int: true })),
  /** Length of the window `rpm` and `tpm` count over. @default 60000 */
  windowMs: opt(numberIn({ min: 1, int: true })),
  maxInFlight: opt(numberIn({ min: 1, int: true })),
});

/** A budget in USD and/or tokens. */
export const budgetFileSchema = mapping({
  usd: opt(numberIn({ min: 0 })),
  tokens: opt(numberIn({ min: 0, int: true })),
});

/** `providers.<id>`: an OpenAI-compatible endpoint; for a built-in id, only the given fields change. */
export const providerFileSchema = mapping({
  baseUrl: opt(httpUrl()),
  /** Usually `${SOME_API_KEY}`; wins over `apiKeyEnv`. */
  apiKey: opt(text()),
  apiKeyEnv: opt(envName()),
  headers: opt(recordOf(text(), 'header names to string values')),
  requiresApiKey: opt(flag()),
  streamUsage: opt(flag()),
  /** Shared by every agent that uses this provider (one account-wide limit). */
  rateLimit: opt(rateLimitFileSchema),
});

/** `models.<provider:id>`: prices in USD per 1M tokens and the context window. */
export const modelFileSchema = mapping({
  input: opt(numberIn({ min: 0 })),
  cachedInput: opt(numberIn({ min: 0 })),
  output: opt(numberIn({ min: 0 })),
  contextWindow: opt(numberIn({ min: 1, int: true })),
  rateLimit: opt(rateLimitFileSchema),
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
  /** Use the response cache for this agent's calls. @default cache.enabled */
  cache: opt(flag()),
  /** What the agent is good at (`code`, `review`, `research`, …); selectors and managers delegate by these. */
  capabilities: opt(textList({ what: 'capability names' })),
  /** Every output of this agent waits for a human decision (`agentmesh approve`). */
  approval: opt(flag()),
  /**
   * Tools the agent may call: built-in names (`read_file`, `list_files`, `write_file`, `search_notes`,
   * `http_get`, `run_code`, `run_tests`), `mcp:<server>` (all of a server's tools) or `mcp:<server>/<tool>`,
   * and names of tools registered through the library API.
   */
  tools: opt(textList({ what: 'tool names' })),
  /** Model turns of one step that may call tools before the agent must answer. @default tools.maxRounds */
  maxToolRounds: opt(numberIn({ min: 1, int: true })),
});

/** `tools.mcp.<server>`: an MCP server, started as a subprocess (`command`) or reached over HTTP (`url`). */
export const mcpServerFileSchema = mapping({
  /** stdio: the program to start, e.g. `npx`. */
  command: opt(text({ nonEmpty: true })),
  args: opt(textList({ what: 'arguments' })),
  /** Extra environment of the subprocess (use `${VAR}` for secrets); the rest of ours is not passed on. */
  env: opt(recordOf(text(), 'variable names to values')),
  /** Working directory of the subprocess, relative to the working directory. */
  cwd: opt(text({ nonEmpty: true })),
  /** Streamable HTTP: the server's endpoint. */
  url: opt(httpUrl()),
  headers: opt(recordOf(text(), 'header names to string values')),
  /** Whether its tools change things; absent: each tool's `readOnlyHint` decides (no hint: they do). */
  sideEffects: opt(flag()),
  /** Every call to this server's tools waits for a human decision. */
  needsApproval: opt(flag()),
  /** Per call. @default tools.timeoutMs */
  timeoutMs: opt(numberIn({ min: 1, int: true })),
  /** How long connecting and listing tools may take. @default 30000 */
  startupTimeoutMs: opt(numberIn({ min: 1, int: true })),
});

/** `tools:` what the agents' tools may touch, and how the tool-call loop is bounded. */
export const toolsFileSchema = mapping({
  /** The directory the file tools are confined to; absent: a fresh `workspace/` in each run's artifacts. */
  workspace: opt(text({ nonEmpty: true })),
  /** Files, directories or globs that `search_notes` indexes (relative to the working directory). */
  notes: opt(textList({ what: 'paths or globs' })),
  /** Where the notes index (SQLite FTS5) is kept. @default .agentmesh/notes.db */
  notesIndex: opt(text({ nonEmpty: true })),
  /** `http_get`: only these hosts (exact, or `*.example.com`); off until one is listed. */
  http: opt(
    mapping({
      allowHosts: opt(textList({ what: 'host names' })),
      timeoutMs: opt(numberIn({ min: 1, int: true })),
      maxBytes: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  /** Per call, for tools that do not set their own. @default 30000 */
  timeoutMs: opt(numberIn({ min: 1, int: true })),
  /** Model turns of one step that may call tools. @default 8 */
  maxRounds: opt(numberIn({ min: 1, int: true })),
  /** Invalid tool arguments sent back to the model for another try, per step. @default 2 */
  maxInvalidArgs: opt(numberIn({ min: 0, int: true })),
  /** Tools (by name, MCP ones with their `<server>__` prefix) whose every call waits for a human decision. */
  approval: opt(textList({ what: 'tool names' })),
  mcp: opt(recordOf(mcpServerFileSchema, 'server names to MCP servers ({ command } or { url })')),
});

/** `teams.<id>.nodes.<node>`: one node of a `graph` team. */
export const graphNodeFileSchema = mapping({
  agent: text({ nonEmpty: true }),
  /** How often the node may run; every cycle needs a node with a limit. */
  maxVisits: opt(numberIn({ min: 1, int: true })),
  approval: opt(flag()),
  /** Visits of this node running at once (within the run's limit). */
  concurrency: opt(numberIn({ min: 1, int: true })),
  timeoutMs: opt(numberIn({ min: 1, int: true })),
  retries: opt(numberIn({ min: 0, int: true })),
});

/** `teams.<id>.edges[]`: after `from` finishes, `to` runs when `when` (if given) holds. */
export const graphEdgeFileSchema = mapping({
  from: text({ nonEmpty: true }),
  to: text({ nonEmpty: true }),
  /** A condition such as `contains('APPROVED')` or `not contains('APPROVED') and visits('fix') < 3`. */
  when: opt(text({ nonEmpty: true })),
});

/** `teams.<id>`: agents and the pattern they follow. */
export const teamFileSchema = mapping({
  pattern: opt(oneOf(TEAM_PATTERNS)),
  description: opt(text()),
  /** Agent ids in order; for `parallel`, a nested list is a stage whose agents run at once. */
  agents: opt(agentList()),
  maxRounds: opt(numberIn({ min: 1, int: true })),
  /** `null` explicitly removes a built-in team's approver. */
  approver: opt(text({ nonEmpty: true })),
  approvalKeyword: opt(text({ nonEmpty: true })),
  /** code, review-loop, handshake: fix/re-propose rounds before giving up. */
  maxIterations: opt(numberIn({ min: 1, int: true })),
  /** Steps of one run of this team running at once. @default limits.concurrency.run */
  concurrency: opt(numberIn({ min: 1, int: true })),
  /** Agents (or graph nodes) whose outputs wait for a human decision. */
  approval: opt(textList({ what: 'agent ids' })),
  /** selector: who picks the next speaker (an agent, or a rule) and who speaks when the pick is invalid. */
  selector: opt(
    mapping({
      agent: opt(text({ nonEmpty: true })),
      rule: opt(oneOf(['capabilities'])),
      fallback: opt(text({ nonEmpty: true })),
    }),
  ),
  /** hierarchical: most subtasks the manager may delegate. */
  maxSubtasks: opt(numberIn({ min: 1, int: true })),
  /** graph: nodes by id. */
  nodes: opt(recordOf(graphNodeFileSchema, 'node ids to nodes ({ agent: <agent id> })')),
  edges: opt(z.array(graphEdgeFileSchema, { error: 'expected a list of edges ({ from, to, when })' })),
  /** graph: the node(s) that run first. */
  start: opt(
    z.union([text({ nonEmpty: true }), textList({ min: 1, what: 'node ids' })], {
      error: 'expected a node id or a list of node ids',
    }),
  ),
  /** When the run stops: a condition, or `any:`/`all:` lists of them (see docs/teams.md). */
  termination: opt(freeForm()),
});

/** `limits`: budgets, timeouts and retries for every run. */
export const limitsFileSchema = mapping({
  /** `null` explicitly removes the cap. */
  maxCostUsd: opt(numberIn({ min: 0 })),
  /** Per run, prompt + completion tokens; `null` removes the cap. */
  maxTokens: opt(numberIn({ min: 0, int: true })),
  budgets: opt(
    mapping({
      /** Across all runs in one UTC day. */
      day: opt(budgetFileSchema),
      /** Per agent, across all runs in one UTC day. */
      agents: opt(recordOf(opt(budgetFileSchema), 'agent ids to daily budgets')),
    }),
  ),
  breaker: opt(
    mapping({
      /** Open after this many failures in a row. */
      consecutiveFailures: opt(numberIn({ min: 1, int: true })),
      /** Or open when this share of calls in `windowMs` failed (with at least `minCalls` calls). */
      failureRatio: opt(numberIn({ min: 0, max: 1 })),
      minCalls: opt(numberIn({ min: 1, int: true })),
      windowMs: opt(numberIn({ min: 1, int: true })),
      /** How long an open breaker waits before letting one probe call through. */
      cooldownMs: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  /** Calls waiting for a rate limit or a free slot. */
  queue: opt(
    mapping({
      maxWaiting: opt(numberIn({ min: 0, int: true })),
      timeoutMs: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  callTimeoutMs: opt(numberIn({ min: 1, int: true })),
  /** Steps running at once: in this process across all runs (`global`), and in one run (`run`). */
  concurrency: opt(
    mapping({
      global: opt(numberIn({ min: 1, int: true })),
      run: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  /** Each step: how long it may take, and how often the executor runs it again after it failed. */
  step: opt(
    mapping({
      timeoutMs: opt(numberIn({ min: 1, int: true })),
      retries: opt(numberIn({ min: 0, int: true })),
      backoffMs: opt(numberIn({ min: 0, int: true })),
    }),
  ),
  retry: opt(
    mapping({
      maxRetries: opt(numberIn({ min: 0, int: true })),
      baseDelayMs: opt(numberIn({ min: 0, int: true })),
      maxDelayMs: opt(numberIn({ min: 0, int: true })),
    }),
  ),
});

/** Log levels, most verbose first. */
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'] as const;

/** `telemetry:` logs, OpenTelemetry traces and the monitoring agent. */
export const telemetryFileSchema = mapping({
  logs: opt(
    mapping({
      /** Where the log files go, relative to the working directory. @default .agentmesh/logs */
      dir: opt(text({ nonEmpty: true })),
      level: opt(oneOf(LOG_LEVELS)),
      /** A file is rotated when it reaches this size. @default 10 */
      maxSizeMb: opt(numberIn({ min: 1 })),
      /** Rotated files kept per category. @default 5 */
      maxFiles: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  /** Traces go over OTLP/HTTP to this collector; absent: no exporter runs. */
  otlp: opt(
    mapping({
      /** e.g. `http://127.0.0.1:4318/v1/traces`. */
      endpoint: httpUrl(),
      headers: opt(recordOf(text(), 'header names to string values')),
      serviceName: opt(text({ nonEmpty: true })),
    }),
  ),
  /** The monitoring agent: what it checks against, how often, and where alerts go. */
  monitor: opt(
    mapping({
      intervalSeconds: opt(numberIn({ min: 1 })),
      cpuPercent: opt(numberIn({ min: 1, max: 100 })),
      memoryPercent: opt(numberIn({ min: 1, max: 100 })),
      /** Alert when the store's disk has less free space than this share. */
      diskFreePercent: opt(numberIn({ min: 0, max: 100 })),
      /** Share of LLM calls that failed in the last window. */
      errorRate: opt(numberIn({ min: 0, max: 1 })),
      /** USD spent in the last hour. */
      costPerHourUsd: opt(numberIn({ min: 0 })),
      /** The window error rate and cost rate are measured over. @default 3600 */
      windowSeconds: opt(numberIn({ min: 1 })),
      /** Each alert is POSTed as JSON to these URLs. */
      webhooks: opt(z.array(httpUrl())),
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
  cache: opt(
    mapping({
      enabled: opt(flag()),
      /** SQLite file, relative to the working directory. */
      path: opt(text({ nonEmpty: true })),
      ttlSeconds: opt(numberIn({ min: 0 })),
      maxEntries: opt(numberIn({ min: 1, int: true })),
    }),
  ),
  sandbox: opt(
    mapping({
      mode: opt(oneOf(SANDBOX_MODES)),
      timeoutMs: opt(numberIn({ min: 1, int: true })),
      cpuSeconds: opt(numberIn({ min: 1, int: true })),
      memoryMb: opt(numberIn({ min: 16, int: true })),
      maxProcesses: opt(numberIn({ min: 1, int: true })),
      maxOutputBytes: opt(numberIn({ min: 1024, int: true })),
    }),
  ),
  tools: opt(toolsFileSchema),
  telemetry: opt(telemetryFileSchema),
  // Accepted now, read by later features (PII guard, distributed workers).
  guard: opt(freeForm()),
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
