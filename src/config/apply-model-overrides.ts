import { CUSTOM_PROVIDER_ID } from './defaults/providers.js';
import { DEFAULT_RATE_LIMIT } from './defaults/settings.js';
import type { IssueCollector } from './issue-collector.js';
import { parseModelRef } from './model-ref.js';
import { bareIdMatches, modelRefProblem } from './resolve-models.js';
import { normaliseBaseUrl } from './resolve-providers.js';
import type { AgentConfig, ModelInfo, ProviderConfig } from './resolved-config.js';

/** A value given by a flag or an environment variable, and which one (for messages). */
export interface SourcedValue {
  value: string;
  /** `--model`, `AGENTMESH_MODEL`, … */
  source: string;
}

/** What {@link applyModelOverrides} changes in place, and the overrides to apply. */
export interface ModelOverrideOptions {
  providers: Record<string, ProviderConfig>;
  models: Record<string, ModelInfo>;
  agents: Record<string, AgentConfig>;
  defaultModel: string;
  model: SourcedValue | null;
  baseUrl: SourcedValue | null;
  apiKey: SourcedValue | null;
  issues: IssueCollector;
}

/**
 * Applies `--base-url` / `--model` / `--api-key` and returns the new default model ref.
 * A base URL adds the `custom` provider, passes the model to it as is and puts every agent on it
 * without fallbacks; a model alone must be known and replaces every agent's primary model.
 */
export function applyModelOverrides(options: ModelOverrideOptions): string {
  const { providers, models, agents, model, baseUrl, apiKey, issues } = options;
  let defaultModel = options.defaultModel;

  if (baseUrl !== null) {
    if (!/^https?:\/\/\S+$/.test(baseUrl.value)) {
      issues.atSource(baseUrl.source, 'expected an http(s) URL such as http://localhost:11434/v1');
    }
    // Without --model, ask the endpoint for the default model's id (what a proxy or the simulator expects).
    const id = model?.value ?? parseModelRef(defaultModel)?.id ?? defaultModel;
    providers[CUSTOM_PROVIDER_ID] = {
      id: CUSTOM_PROVIDER_ID,
      kind: 'openai-compatible',
      baseUrl: normaliseBaseUrl(baseUrl.value),
      apiKeyEnv: null,
      apiKey: apiKey?.value ?? null,
      requiresApiKey: false,
      headers: {},
      streamUsage: true,
      rateLimit: DEFAULT_RATE_LIMIT,
    };
    defaultModel = `${CUSTOM_PROVIDER_ID}:${id}`;
    models[defaultModel] ??= {
      ref: defaultModel,
      provider: CUSTOM_PROVIDER_ID,
      id,
      pricing: null,
      contextWindow: null,
      rateLimit: null,
    };
    for (const agent of Object.values(agents)) {
      agent.model = defaultModel;
      agent.fallbackModels = [];
    }
    return defaultModel;
  }

  if (model !== null) {
    const ref = findModelRef(model, models, providers, issues);
    if (ref !== null) {
      defaultModel = ref;
      for (const agent of Object.values(agents)) {
        agent.model = ref;
        agent.fallbackModels = agent.fallbackModels.filter((fallback) => fallback !== ref);
      }
    }
  }
  if (apiKey !== null) {
    // Without a base URL the key is for the provider every agent now starts on.
    const provider = providers[parseModelRef(defaultModel)?.provider ?? ''];
    if (provider !== undefined) provider.apiKey = apiKey.value;
  }
  return defaultModel;
}

/** A known ref, or a bare model id that exactly one known model has; otherwise reports and returns null. */
function findModelRef(
  { value, source }: SourcedValue,
  models: Record<string, ModelInfo>,
  providers: Record<string, ProviderConfig>,
  issues: IssueCollector,
): string | null {
  if (models[value] !== undefined) return value;
  const matches = bareIdMatches(value, models);
  if (matches.length === 1) return matches[0] ?? null;
  if (matches.length > 1) {
    issues.atSource(
      source,
      `model id "${value}" is served by several providers; write one of: ${matches.join(', ')}`,
    );
    return null;
  }
  const problem = modelRefProblem(value, models, providers);
  if (problem !== null) issues.atSource(source, problem.message, problem.code);
  return null;
}
