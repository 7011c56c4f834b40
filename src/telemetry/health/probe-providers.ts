import type { ResolvedConfig } from '../../config/resolved-config.js';
import { toAgentMeshError } from '../../errors/index.js';
import type { Provider } from '../../llm/provider.js';

/** How long a provider may take to list its models before it counts as unreachable. */
export const PROVIDER_PROBE_TIMEOUT_MS = 5_000;

/** What probing one provider found. */
export interface ProviderProbe {
  providerId: string;
  baseUrl: string;
  /** `ok`: it listed its models; `missing_key`: not called, it needs a key the config lacks. */
  outcome: 'ok' | 'missing_key' | 'unreachable';
  /** One line on what is wrong and how to fix it; null when ok. */
  problem: string | null;
  /** The model ids it listed (empty unless ok). */
  models: string[];
}

/** Options for {@link probeProviders}. */
export interface ProbeProvidersOptions {
  config: ResolvedConfig;
  providerIds: readonly string[];
  providers: Record<string, Provider>;
  /** @default PROVIDER_PROBE_TIMEOUT_MS */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Asks each provider for its models (`GET /models`), all at once, each within a short timeout. */
export function probeProviders({
  config,
  providerIds,
  providers,
  timeoutMs = PROVIDER_PROBE_TIMEOUT_MS,
  signal,
}: ProbeProvidersOptions): Promise<ProviderProbe[]> {
  return Promise.all(
    providerIds.map(async (providerId): Promise<ProviderProbe> => {
      const provider = config.providers[providerId];
      const baseUrl = provider?.baseUrl ?? '';
      const probe = { providerId, baseUrl, models: [] };
      if (provider?.requiresApiKey && !provider.apiKey) {
        const where = provider.apiKeyEnv ?? `providers.${providerId}.apiKey`;
        return { ...probe, outcome: 'missing_key', problem: `API key missing — set ${where}` };
      }
      const timeout = AbortSignal.timeout(timeoutMs);
      try {
        const models = await providers[providerId]!.listModels({
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        return { ...probe, outcome: 'ok', problem: null, models };
      } catch (thrown) {
        // Our own timeout aborts the call, which the provider reports as cancelled: say what it was.
        const reason = timeout.aborted
          ? `no answer to GET /models within ${timeoutMs / 1000} s`
          : toAgentMeshError(thrown).message;
        return { ...probe, outcome: 'unreachable', problem: `${baseUrl} unreachable: ${reason}` };
      }
    }),
  );
}
