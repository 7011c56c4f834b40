import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadConfigFile, resolveConfig } from '../../src/config/index.js';
import type { ResolvedConfig } from '../../src/config/resolved-config.js';

/**
 * A resolved config whose every agent calls the simulator at `simUrl` (model `sim-model`, response cache
 * off, so each step is a real request), with `yaml` written to `dir/agentmesh.yaml` first when given.
 */
export async function simConfig({
  dir,
  simUrl,
  yaml,
}: {
  dir: string;
  simUrl: string;
  yaml?: string;
}): Promise<ResolvedConfig> {
  if (yaml !== undefined) await writeFile(join(dir, 'agentmesh.yaml'), yaml);
  const file = yaml === undefined ? null : await loadConfigFile({ cwd: dir, env: {} });
  return resolveConfig({
    file,
    env: {},
    cwd: dir,
    overrides: { baseUrl: simUrl, model: 'sim-model', noCache: true },
  });
}

/** `count` agent ids `<prefix>001`, `<prefix>002`, … */
export function numberedIds(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => `${prefix}${String(i + 1).padStart(3, '0')}`);
}

/**
 * YAML for a `parallel` team of the given stages, each agent one of a built-in `role`. Agents say
 * `cache: false`: with the cache merely disabled, the gateway still shares identical calls in flight
 * (single flight), and same-role agents send identical calls — each agent must make its own.
 */
export function parallelTeamYaml({
  team,
  stages,
  role,
  concurrency,
}: {
  team: string;
  stages: string[][];
  role: string;
  concurrency?: number;
}): string {
  const agents = stages.flat().map((id) => `  ${id}: { role: ${role}, cache: false }`);
  const stageLines = stages.map((stage) => `      - [${stage.join(', ')}]`);
  return [
    'agents:',
    ...agents,
    'teams:',
    `  ${team}:`,
    '    pattern: parallel',
    ...(concurrency === undefined ? [] : [`    concurrency: ${concurrency}`]),
    '    agents:',
    ...stageLines,
    '',
  ].join('\n');
}
