import { BUILTIN_PROVIDERS } from './defaults/providers.js';
import type { IssueCollector } from './issue-collector.js';
import { resolveRateLimit } from './resolve-rate-limit.js';
import type { ProviderConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/** An empty string (e.g. from `${KEY:-}`) means "not set". */
function nonEmpty(value: string | null | undefined): string | null {
  return value === undefined || value === null || value.trim() === '' ? null : value;
}

/** Drops trailing slashes so adapters can append `/chat/completions` safely. */
export function normaliseBaseUrl(url: string): string {
  return url.replace(/\/+$/, '');
}

/**
 * Built-in providers overlaid with `providers:` from the file. The key is the file's `apiKey`
 * (interpolated), else the value of `apiKeyEnv` in env, else null.
 */
export function resolveProviders(
  file: FileConfig['providers'],
  env: Record<string, string | undefined>,
  issues: IssueCollector,
): Record<string, ProviderConfig> {
  const providers: Record<string, ProviderConfig> = {};
  for (const [id, builtin] of Object.entries(BUILTIN_PROVIDERS)) {
    providers[id] = { ...builtin, headers: { ...builtin.headers }, apiKey: null };
  }
  for (const [id, given] of Object.entries(file ?? {})) {
    const entry = given ?? {};
    const base = providers[id];
    const baseUrl = entry.baseUrl ?? base?.baseUrl;
    if (baseUrl === undefined) {
      issues.atField(['providers', id], 'a new provider needs baseUrl, e.g. http://localhost:8000/v1');
      continue;
    }
    const apiKeyEnv = entry.apiKeyEnv === undefined ? (base?.apiKeyEnv ?? null) : entry.apiKeyEnv;
    const fileKey = nonEmpty(entry.apiKey);
    providers[id] = {
      id,
      kind: 'openai-compatible',
      baseUrl: normaliseBaseUrl(baseUrl),
      apiKeyEnv,
      apiKey: fileKey,
      // A new provider without any key setting is taken to be a local server.
      requiresApiKey:
        entry.requiresApiKey ?? base?.requiresApiKey ?? (fileKey !== null || apiKeyEnv !== null),
      headers: { ...base?.headers, ...entry.headers },
      streamUsage: entry.streamUsage ?? base?.streamUsage ?? true,
      rateLimit: resolveRateLimit(entry.rateLimit, base?.rateLimit),
    };
  }
  for (const provider of Object.values(providers)) {
    provider.apiKey ??= provider.apiKeyEnv === null ? null : nonEmpty(env[provider.apiKeyEnv]);
  }
  return providers;
}
