import type { TeamConfig } from '../resolved-config.js';
import { DEFAULT_MAX_ITERATIONS } from './settings.js';

/** The team a run uses when neither `--team` nor `defaults.team` names one. */
export const DEFAULT_TEAM_ID = 'pipeline';

/** The word a chat team's approver writes on its first line to end the conversation. */
export const DEFAULT_APPROVAL_KEYWORD = 'APPROVED';

/** The agents both built-in teams use, in speaking order. */
const CORE_AGENTS = ['planner', 'researcher', 'coder', 'critic', 'summarizer'];

/**
 * Built-in teams: a one-pass pipeline, a round-robin chat that ends on the critic's approval, and the
 * code team, whose tests run in a sandbox until they pass (the critic gives the final review).
 */
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
  code: {
    id: 'code',
    pattern: 'code',
    description:
      'Architect, coder and tester write code and tests; a runner executes them in a sandbox and the debugger fixes failures until they pass (at most 3 runs); then the documenter writes the README and the critic reviews.',
    // By position: architect, coder, tester, debugger, documenter, reviewer.
    agents: ['architect', 'coder', 'tester', 'debugger', 'documenter', 'critic'],
    maxRounds: 1,
    approver: null,
    approvalKeyword: DEFAULT_APPROVAL_KEYWORD,
    maxIterations: DEFAULT_MAX_ITERATIONS,
  },
};
