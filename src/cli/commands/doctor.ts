import { existsSync } from 'node:fs';
import { resolveTeam } from '../../config/resolve-config.js';
import type { ResolvedConfig } from '../../config/resolved-config.js';
import { isAgentMeshError, toAgentMeshError } from '../../errors/index.js';
import { buildProviders } from '../../runtime/build-gateway.js';
import { openRunStore } from '../../runtime/open-run-store.js';
import { providersOfTeam } from '../../runtime/preflight.js';
import { type CliIo, writeLine } from '../cli-io.js';
import { EXIT } from '../exit-codes.js';
import { resolveCliConfig } from '../resolve-cli-config.js';
import type { RunnerFlags } from '../runner-flags.js';

/** `agentmesh doctor`: config valid, keys present, providers reachable, model slugs listed. Exit 1 if any check fails. */
export async function doctorCommand(flags: RunnerFlags, io: CliIo): Promise<number> {
  let failures = 0;
  const check = (ok: boolean, text: string) => {
    if (!ok) failures += 1;
    writeLine(io.stdout, `${ok ? '✓' : '✗'} ${text}`);
  };

  let config: ResolvedConfig;
  try {
    config = await resolveCliConfig(flags, io);
  } catch (thrown) {
    const error = toAgentMeshError(thrown);
    check(false, `config: ${error.message}`);
    const issues = isAgentMeshError(thrown)
      ? (thrown as { formatIssues?: () => string[] }).formatIssues?.()
      : undefined;
    for (const issue of issues?.slice(1) ?? []) writeLine(io.stdout, `    ${issue}`);
    return EXIT.failed;
  }
  check(true, `config: ${config.source ?? 'built-in defaults (no agentmesh.yaml)'}`);

  const team = resolveTeam(config, flags.team ?? config.defaultTeam);
  const providers = buildProviders(config);
  for (const id of providersOfTeam(config, team)) {
    const provider = config.providers[id]!;
    if (provider.requiresApiKey) {
      check(
        Boolean(provider.apiKey),
        `${id}: API key ${provider.apiKey ? 'present' : `missing — set ${provider.apiKeyEnv ?? `providers.${id}.apiKey`}`}`,
      );
      if (!provider.apiKey) continue;
    }
    let listed: string[];
    try {
      listed = await providers[id]!.listModels({
        signal: AbortSignal.any([io.signal, AbortSignal.timeout(10_000)]),
      });
      check(true, `${id}: ${provider.baseUrl} reachable, ${listed.length} models listed`);
    } catch (thrown) {
      check(false, `${id}: ${provider.baseUrl} not usable: ${toAgentMeshError(thrown).message}`);
      continue;
    }
    const refs = new Set(
      team.agents.flatMap((a) => [config.agents[a]!.model, ...config.agents[a]!.fallbackModels]),
    );
    for (const ref of refs) {
      const model = config.models[ref];
      if (model?.provider !== id) continue;
      check(
        listed.includes(model.id),
        `${ref}: ${listed.includes(model.id) ? 'listed' : `not listed by ${id}; check the model id`}`,
      );
    }
  }
  await reportBreakers(config, io);
  writeLine(io.stderr, failures === 0 ? 'doctor: all checks passed' : `doctor: ${failures} check(s) failed`);
  return failures === 0 ? EXIT.ok : EXIT.failed;
}

/**
 * The last recorded state of every circuit breaker. Breakers live in the process that runs a team;
 * each change is a `breaker.changed` event in the run log, so the latest one per model is shown.
 */
async function reportBreakers(config: ResolvedConfig, io: CliIo): Promise<void> {
  if (config.store.path === ':memory:' || !existsSync(config.store.path)) {
    writeLine(io.stdout, '• circuit breakers: no runs recorded yet');
    return;
  }
  const store = openRunStore(config);
  try {
    const changes = await store.breakerStates();
    if (changes.length === 0) {
      writeLine(io.stdout, '• circuit breakers: all closed (none has opened)');
      return;
    }
    for (const change of changes) {
      const cooldownEnds = new Date(Date.parse(change.at) + config.limits.breaker.cooldownMs).toISOString();
      const detail = change.state === 'open' ? `, lets a probe through after ${cooldownEnds}` : '';
      writeLine(
        io.stdout,
        `• circuit ${change.provider}:${change.model}: ${change.state.replace('_', '-')} since ${change.at} (run ${change.runId}${detail})`,
      );
    }
  } finally {
    await store.close();
  }
}
