import type { TeamConfig } from '../config/resolved-config.js';
import { castOfThree } from './cast-of-three.js';
import { reviewCycleState } from './review-cycle.js';
import { isCompleted, outputOf } from './step-outputs.js';
import type { TeamPattern } from './team-pattern.js';

/** The team fields a handshake reads. */
export type HandshakeTeam = Pick<TeamConfig, 'id' | 'agents' | 'maxIterations' | 'approvalKeyword'>;

/** Step id of the finalizer's turn. */
const FINALIZE = 'finalize';

/**
 * `handshake`, cast by position [proposer, validator, finalizer]: `propose#1` → `validate#1`; a
 * validation that does not approve sends the proposal back to the proposer with the findings
 * (`propose#n+1` → `validate#n+1`), at most `maxIterations` times. On approval the finalizer turns the
 * approved proposal (and the approving validation) into the answer: the run ends `completed` with it.
 * When the last re-proposal is still not approved, the run ends `max_iterations` with the last proposal.
 */
export function handshakePattern(team: HandshakeTeam): TeamPattern {
  const [proposer, validator, finalizer] = castOfThree(team, 'handshake', 'proposer, validator, finalizer');
  return {
    next(state) {
      const position = reviewCycleState(state, {
        draft: { stepId: 'propose#1', agentId: proposer },
        reviewer: validator,
        reviser: proposer,
        reviewId: (n) => `validate#${n}`,
        revisionId: (n) => `propose#${n + 1}`,
        maxRevisions: team.maxIterations,
        approvalKeyword: team.approvalKeyword,
        revisionInstruction: (findings) =>
          `The validator (${validator}) did not approve your proposal:\n\n${findings}\n\n` +
          'Revise the proposal so that it addresses every point, and give it in full.',
      });
      if (position.kind === 'step') return { kind: 'steps', steps: [position.step] };
      if (position.kind === 'exhausted') {
        return { kind: 'finish', stopReason: 'max_iterations', output: outputOf(state, position.workStepId) };
      }
      if (isCompleted(state, FINALIZE)) {
        return { kind: 'finish', stopReason: 'completed', output: outputOf(state, FINALIZE) };
      }
      return {
        kind: 'steps',
        steps: [
          {
            stepId: FINALIZE,
            agentId: finalizer,
            round: position.reviews + 1,
            inputs: [position.workStepId, position.reviewStepId],
            instruction:
              'The validator approved the proposal above. Turn it into the final answer to the task.',
          },
        ],
      };
    },
  };
}
