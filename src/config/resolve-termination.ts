import type { IssueCollector } from './issue-collector.js';
import type { TerminationConfig } from './resolved-config.js';

// PLACEHOLDER (termination helper replaces this file).
/** `teams.<id>.termination` parsed into a TerminationConfig; null when not given. */
export function resolveTermination(
  raw: Record<string, unknown> | null | undefined,
  path: (string | number)[],
  issues: IssueCollector,
): TerminationConfig | null {
  if (raw == null) return null;
  issues.atField(path, 'termination conditions are not supported yet');
  return null;
}
