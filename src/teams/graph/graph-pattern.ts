import type { TeamConfig } from '../../config/resolved-config.js';
import type { TeamPattern } from '../team-pattern.js';

// PLACEHOLDER: the graph helper replaces this file.
/** Not built yet. */
export function graphPattern(team: TeamConfig): TeamPattern {
  throw new Error(`pattern of team ${team.id} is not built yet`);
}
