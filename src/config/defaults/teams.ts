import type { TeamConfig } from '../resolved-config.js';
import { DEFAULT_MAX_ITERATIONS } from './settings.js';

/** The team a run uses when neither `--team` nor `defaults.team` names one. */
export const DEFAULT_TEAM_ID = 'pipeline';

/** The word a chat team's approver writes on its first line to end the conversation. */
export const DEFAULT_APPROVAL_KEYWORD = 'APPROVED';

/** The agents both built-in teams use, in speaking order. */
const CORE_AGENTS = ['planner', 'researcher', 'coder', 'critic', 'summarizer'];

/** Built-in teams: a one-pass pipeline and a round-robin chat that ends on the critic's approval. */
export const BUILTIN_TEAMS: Record<string, TeamConfig> = {
  pipeline: {
    id: 'pipeline',
    pattern: 'pipeline',
    description:
      'Planner, researcher, coder, critic and summarizer in turn; each sees the task and all earlier outputs.',
    agents: [...CORE_AGENTS],
    maxRounds: 1,
    approver: null,
    approvalKeyword: DEFAULT_APPROVAL_KEYWORD,
    maxIterations: DEFAULT_MAX_ITERATIONS,
  },
  chat: {
    id: 'chat',
    pattern: 'chat',
    description:
      'The same five agents take turns over a shared transcript until the critic replies APPROVED, at most 3 rounds.',
    agents: [...CORE_AGENTS],
    maxRounds: 3,
    approver: 'critic',
    approvalKeyword: DEFAULT_APPROVAL_KEYWORD,
    maxIterations: DEFAULT_MAX_ITERATIONS,
  },
};
