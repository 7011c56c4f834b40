import type { TeamConfig } from '../../config/resolved-config.js';
import type { TeamPattern } from '../team-pattern.js';

// PLACEHOLDER: the termination helper replaces this file.
/** Wraps a pattern with the team's termination conditions (none yet). */
export function withTermination(pattern: TeamPattern, _team: TeamConfig, _now: () => Date): TeamPattern {
  return pattern;
}
