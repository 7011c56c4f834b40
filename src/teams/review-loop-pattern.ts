import type { TeamConfig } from '../config/resolved-config.js';
import { castOfThree } from './cast-of-three.js';
import { reviewCycleState } from './review-cycle.js';
import { outputOf } from './step-outputs.js';
import type { TeamPattern } from './team-pattern.js';

/** The team fields a review loop reads. */
export type ReviewLoopTeam = Pick<TeamConfig, 'id' | 'agents' | 'maxIterations' | 'approvalKeyword'>;

/**
 * `review-loop`, cast by position [coder, reviewer, debugger]: `code` → `review#1`; while a review does
 * not approve, the debugger fixes with the review as its instruction (`fix#n`) and the reviewer reviews
 * again (`review#n+1`), for at most `maxIterations` fixes. Ends `approved`, or `max_iterations` when
 * the review after the last fix still finds issues; either way the output is the latest code (the last
 * coder or debugger message).
 */
export function reviewLoopPattern(team: ReviewLoopTeam): TeamPattern {
  const [coder, reviewer, debuggerAgent] = castOfThree(team, 'review-loop', 'coder, reviewer, debugger');
  return {
    next(state) {
      const position = reviewCycleState(state, {
        draft: { stepId: 'code', agentId: coder },
        reviewer,
        reviser: debuggerAgent,
        reviewId: (n) => `review#${n}`,
        revisionId: (n) => `fix#${n}`,
        maxRevisions: team.maxIterations,
        approvalKeyword: team.approvalKeyword,
        revisionInstruction: (findings) =>
          `The reviewer (${reviewer}) did not approve the latest code and reported:\n\n${findings}\n\n` +
          'Fix every issue it lists. Return each corrected file in full.',
      });
      if (position.kind === 'step') return { kind: 'steps', steps: [position.step] };
      return {
        kind: 'finish',
        stopReason: position.kind === 'approved' ? 'approved' : 'max_iterations',
        output: outputOf(state, position.workStepId),
      };
    },
  };
}
