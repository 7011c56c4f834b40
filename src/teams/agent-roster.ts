import type { AgentConfig } from '../config/resolved-config.js';

/** One line per agent, `- <id>: <capabilities>`, as selector and manager instructions list them. */
export function agentRoster(ids: readonly string[], agents: Record<string, AgentConfig>): string[] {
  return ids.map((id) => {
    const capabilities = agents[id]?.capabilities ?? [];
    return capabilities.length > 0 ? `- ${id}: ${capabilities.join(', ')}` : `- ${id}`;
  });
}
