import { DEFAULT_MODEL_PRICES } from '../llm/pricing/default-prices.js';
import { DEFAULT_MODEL_REF } from './defaults/providers.js';
import { BUILTIN_ROLE_IDS, BUILTIN_ROLES } from './defaults/roles.js';
import { DEFAULT_LIMITS, DEFAULT_STORE, DEFAULT_STREAM } from './defaults/settings.js';
import { DEFAULT_TEAM_ID } from './defaults/teams.js';

/**
 * The commented example written by `agentmesh init`: every section, each field explained. Values equal
 * the built-in defaults, plus an example model, agent and team, and a 1 USD cost cap per run.
 */
export function initTemplate(): string {
  const price = DEFAULT_MODEL_PRICES[DEFAULT_MODEL_REF];
  const coder = BUILTIN_ROLES.coder;
  const { retry } = DEFAULT_LIMITS;
  return `# agentmesh.yaml: configuration of AgentMesh. Every section and field is optional; remove what
# you do not change and the built-in default applies. Check the file with: agentmesh doctor
#
# Any string may use \${NAME} to insert the environment variable NAME (loading fails, naming the
# line, when NAME is unset) or \${NAME:-fallback} to use a fallback when it is unset or empty.
# Names are upper-case; write $\${ for a literal \${.

defaults:
  # Model of every agent that names none, as provider:model-id. --model / AGENTMESH_MODEL override it.
  model: ${DEFAULT_MODEL_REF}
  # Team \`agentmesh run\` uses without --team. Built in: pipeline (one pass), chat (rounds until approved).
  team: ${DEFAULT_TEAM_ID}

providers:
  # OpenAI-compatible endpoints. Built in: openrouter, deepseek, openai, ollama; an entry with a
  # built-in id changes only the fields it sets. --base-url / AGENTMESH_BASE_URL add one called "custom".
  openrouter:
    baseUrl: https://openrouter.ai/api/v1
    # Environment variable holding the API key.
    apiKeyEnv: OPENROUTER_API_KEY
    # Or the key itself, by interpolation (never write a real key here). It wins over apiKeyEnv:
    # apiKey: \${OPENROUTER_API_KEY}
    # Extra headers on every request; these attribute your calls to AgentMesh on openrouter.ai.
    headers:
      HTTP-Referer: https://github.com/agentmesh/agentmesh
      X-OpenRouter-Title: AgentMesh
    # Refuse to call without a key; set false for local servers that need none.
    requiresApiKey: true
    # Ask for token usage when streaming (stream_options.include_usage); OpenRouter always sends it.
    streamUsage: false
  # A local server (vLLM, llama.cpp, LM Studio): a new provider needs baseUrl.
  # vllm:
  #   baseUrl: http://localhost:8000/v1
  #   apiKey: \${VLLM_API_KEY:-}
  #   requiresApiKey: false

models:
  # Prices in USD per 1M tokens, for cost accounting and limits.maxCostUsd, and the context window in
  # tokens. Common models are built in (an entry for one of them changes only the fields it sets);
  # add every other model an agent uses. The key is provider:model-id.
  "ollama:llama3.1:8b":
    input: 0
    # Prompt tokens served from the provider's cache (defaults to input).
    cachedInput: 0
    output: 0
    contextWindow: 131072
  # "${DEFAULT_MODEL_REF}":
  #   input: ${price?.pricing.inputPer1M ?? 0}
  #   cachedInput: ${price?.pricing.cachedInputPer1M ?? 0}
  #   output: ${price?.pricing.outputPer1M ?? 0}
  #   contextWindow: ${price?.contextWindow ?? 128000}

agents:
  # Built in: ${BUILTIN_ROLE_IDS.join(', ')}.
  # An entry with a built-in id changes only the fields it sets.
  coder:
    # Model refs tried in order when the primary model keeps failing, e.g. [openai:gpt-4o-mini].
    fallbackModels: []
    # 0 to 2: lower is more deterministic.
    temperature: ${coder?.temperature ?? 0.2}
    # Longest answer, in tokens.
    maxTokens: ${coder?.maxTokens ?? 2000}
  # A new agent needs systemPrompt, or role: <a built-in role> to start from that role's prompt.
  security-reviewer:
    role: reviewer
    systemPrompt: |
      You are the Security Reviewer in a team of specialised agents. Review the latest code for
      injection, secrets in code, unsafe deserialisation and missing input validation.
      Reply with the single word APPROVED on the first line when there is nothing to fix;
      otherwise list numbered issues, each with the file, the problem and the fix.
    # Bump when you change systemPrompt: every run records which prompt version produced what.
    promptVersion: 1
    # model: ${DEFAULT_MODEL_REF}
    temperature: 0.1
    maxTokens: 1000

teams:
  # Built in, one per pattern: pipeline, parallel, chat, selector, review-loop, handshake, hierarchical,
  # code (agentmesh teams list). An entry with a built-in id changes only the fields it sets.
  review:
    # pipeline: each agent once, in order. parallel: a nested list is a stage that runs at once.
    # chat (roundrobin): turns over a shared transcript. selector: an agent picks who speaks next.
    # review-loop, handshake, hierarchical, graph, code: see docs/team-patterns.md.
    pattern: chat
    description: The coder writes, the security reviewer reviews, until approved.
    # Agent ids, in speaking order.
    agents: [coder, security-reviewer]
    # chat: stop after this many full rounds.
    maxRounds: 3
    # chat: the agent whose approval ends the conversation (null: none), and the word that counts.
    approver: security-reviewer
    approvalKeyword: APPROVED
    # Outputs of these agents wait for a human: agentmesh approve <runId> [--reject --comment "…"].
    # approval: [coder]
    # More ways to stop (any/all of maxRounds, maxMessages, mention, maxTokens, maxCostUsd,
    # timeoutSeconds, repetition); each sets the run's stopReason and keeps the partial result.
    termination:
      any:
        - maxMessages: 12
        - repetition: { threshold: 0.9, window: 3, action: stop }
  fan-out:
    pattern: parallel
    agents: [planner, [researcher, coder, critic], summarizer]
    # Steps of one run at once (default: limits.concurrency.run).
    concurrency: 3
  fix-until-approved:
    # A graph: nodes run agents; an edge runs its target when its condition holds. Every loop needs a
    # node with maxVisits. Conditions: contains('X'), matches('re'), visits('node') < 3, cost < 0.5, and/or/not.
    start: code
    nodes:
      code: { agent: coder }
      review: { agent: security-reviewer }
      fix: { agent: debugger, maxVisits: 3 }
    edges:
      - { from: code, to: review }
      - { from: review, to: fix, when: "not contains('APPROVED')" }
      - { from: fix, to: review }

limits:
  # Stop a run before its next step once it has cost this much (USD). null (the built-in default) means
  # no cap. --max-cost overrides it.
  maxCostUsd: 1.00
  # Give up on one LLM call after this many milliseconds (it is then retried).
  callTimeoutMs: ${DEFAULT_LIMITS.callTimeoutMs}
  # Steps running at once: across every run of this process (null: no cap), and within one run.
  concurrency: { global: null, run: ${DEFAULT_LIMITS.concurrency.run} }
  # Each step: a timeout (null: none beyond callTimeoutMs) and runs after a retryable failure.
  step: { timeoutMs: null, retries: ${DEFAULT_LIMITS.step.retries}, backoffMs: ${DEFAULT_LIMITS.step.backoffMs} }
  retry:
    # Retries after the first attempt, before falling back to the next model.
    maxRetries: ${retry.maxRetries}
    # Exponential backoff between retries; a provider's Retry-After is honoured.
    baseDelayMs: ${retry.baseDelayMs}
    maxDelayMs: ${retry.maxDelayMs}

store:
  # SQLite file holding every run's event log, relative to the working directory. --db / AGENTMESH_DB override it.
  path: ${DEFAULT_STORE.path}
  # Where each run's output and extracted files are written (one folder per run id).
  artifactsDir: ${DEFAULT_STORE.artifactsDir}

# Show answers token by token as they arrive.
stream: ${DEFAULT_STREAM}

# Sections read by features still to come; accepted as free-form mappings today.
# cache: {}        # response cache
# guard: {}        # PII and secret redaction
# telemetry: {}    # logs, traces, metrics
# redis:           # distributed workers (leave out to run everything in one process)
#   url: \${REDIS_URL:-redis://localhost:6379}
`;
}
