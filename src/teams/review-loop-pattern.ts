import type { TeamConfig } from '../config/resolved-config.js';
import type { TeamPattern } from './team-pattern.js';

// PLACEHOLDER: the patterns helper replaces this file.
/** Not built yet. */
export function reviewLoopPattern(team: TeamConfig): TeamPattern {
  throw new Error(`pattern of team ${team.id} is not built yet`);
}
