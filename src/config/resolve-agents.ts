import {
  BUILTIN_ROLE_IDS,
  BUILTIN_ROLES,
  CUSTOM_AGENT_DEFAULTS,
  type RoleDefault,
} from './defaults/roles.js';
import type { IssueCollector } from './issue-collector.js';
import type { AgentConfig } from './resolved-config.js';
import type { FileConfig } from './schema.js';

/**
 * Built-in roles overlaid with `agents:` from the file. An entry whose id is a built-in role changes
 * only the fields it names; a new agent starts from its `role` when that is built in, and otherwise
 * needs its own `systemPrompt`. Agents without a model use `defaultModel`.
 */
export function resolveAgents(
  file: FileConfig['agents'],
  defaultModel: string,
  issues: IssueCollector,
): Record<string, AgentConfig> {
  const agents: Record<string, AgentConfig> = {};
  for (const role of Object.values(BUILTIN_ROLES)) {
    agents[role.id] = { ...role, model: defaultModel, fallbackModels: [] };
  }
  for (const [id, given] of Object.entries(file ?? {})) {
    const entry = given ?? {};
    const base = agents[id] ?? baseForNewAgent(id, entry.role ?? null, defaultModel);
    if (base === null && entry.systemPrompt == null) {
      const message =
        entry.role == null
          ? `a new agent needs role (one of: ${BUILTIN_ROLE_IDS.join(', ')}) or its own systemPrompt`
          : `role "${entry.role}" is not built in (built-in roles: ${BUILTIN_ROLE_IDS.join(', ')}), so this agent needs systemPrompt`;
      issues.atField(['agents', id], message);
    }
    const start = base ?? {
      id,
      role: entry.role ?? id,
      systemPrompt: '',
      ...CUSTOM_AGENT_DEFAULTS,
      capabilities: [],
      approval: false,
      tools: [],
      maxToolRounds: null,
      model: defaultModel,
      fallbackModels: [],
    };
    agents[id] = {
      id,
      role: entry.role ?? start.role,
      systemPrompt: entry.systemPrompt ?? start.systemPrompt,
      promptVersion: entry.promptVersion ?? start.promptVersion,
      model: entry.model ?? start.model,
      fallbackModels: entry.fallbackModels ?? start.fallbackModels,
      temperature: entry.temperature ?? start.temperature,
      maxTokens: entry.maxTokens ?? start.maxTokens,
      cache: entry.cache ?? start.cache,
      capabilities: entry.capabilities ?? [...start.capabilities],
      approval: entry.approval ?? start.approval,
      tools: entry.tools ?? [...start.tools],
      maxToolRounds: entry.maxToolRounds ?? start.maxToolRounds,
    };
  }
  return agents;
}

function baseForNewAgent(id: string, role: string | null, model: string): AgentConfig | null {
  const builtin: RoleDefault | undefined = role === null ? undefined : BUILTIN_ROLES[role];
  return builtin === undefined ? null : { ...builtin, id, model, fallbackModels: [] };
}
