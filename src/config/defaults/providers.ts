import type { ProviderConfig } from '../resolved-config.js';
import { DEFAULT_RATE_LIMIT } from './settings.js';

/**
 * The model every agent uses unless configured otherwise: DeepSeek V3 (0324) through OpenRouter.
 * This is the only place the default model is written down.
 */
export const DEFAULT_MODEL_REF = 'openrouter:deepseek/deepseek-chat-v3-0324';

/** Provider id added when a base URL is given on the command line or in `AGENTMESH_BASE_URL`. */
export const CUSTOM_PROVIDER_ID = 'custom';

/** Built-in providers; a `providers.<id>` entry in agentmesh.yaml overrides the fields it names. */
export const BUILTIN_PROVIDERS: Record<string, Omit<ProviderConfig, 'apiKey'>> = {
  openrouter: {
    id: 'openrouter',
    kind: 'openai-compatible',
    baseUrl: 'https://openrouter.ai/api/v1',
    apiKeyEnv: 'OPENROUTER_API_KEY',
    requiresApiKey: true,
    // Attribution only; OpenRouter accepts both title headers (X-Title is the older name).
    headers: {
      'HTTP-Referer': 'https://github.com/agentmesh/agentmesh',
      'X-OpenRouter-Title': 'AgentMesh',
      'X-Title': 'AgentMesh',
    },
    // OpenRouter always returns usage; stream_options would be a documented no-op.
    streamUsage: false,
    rateLimit: DEFAULT_RATE_LIMIT,
  },
  deepseek: {
    id: 'deepseek',
    kind: 'openai-compatible',
    baseUrl: 'https://api.deepseek.com',
    apiKeyEnv: 'DEEPSEEK_API_KEY',
    requiresApiKey: true,
    headers: {},
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  },
  openai: {
    id: 'openai',
    kind: 'openai-compatible',
    baseUrl: 'https://api.openai.com/v1',
    apiKeyEnv: 'OPENAI_API_KEY',
    requiresApiKey: true,
    headers: {},
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  },
  ollama: {
    id: 'ollama',
    kind: 'openai-compatible',
    baseUrl: 'http://localhost:11434/v1',
    apiKeyEnv: null,
    requiresApiKey: false,
    headers: {},
    streamUsage: true,
    rateLimit: DEFAULT_RATE_LIMIT,
  },
};
