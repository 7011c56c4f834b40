import type { ResolvedConfig } from '../config/resolved-config.js';
import { LlmGateway } from '../llm/gateway.js';
import type { Provider } from '../llm/provider.js';
import { OpenAiCompatibleProvider } from '../llm/providers/openai-compatible-provider.js';

/** Seams for tests and embedders. */
export interface BuildOptions {
  fetch?: typeof globalThis.fetch;
}

/** One provider adapter per configured provider. */
export function buildProviders(
  config: ResolvedConfig,
  { fetch }: BuildOptions = {},
): Record<string, Provider> {
  const providers: Record<string, Provider> = {};
  for (const provider of Object.values(config.providers)) {
    providers[provider.id] = new OpenAiCompatibleProvider({ config: provider, ...(fetch && { fetch }) });
  }
  return providers;
}

/** The gateway around every configured provider. */
export function buildGateway(config: ResolvedConfig, options: BuildOptions = {}): LlmGateway {
  return new LlmGateway({ providers: buildProviders(config, options), retry: config.limits.retry });
}
