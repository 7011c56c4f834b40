import type { RunState } from '../core/index.js';
import type { WorkflowStep } from '../workflow/workflow.js';
import { isApproval } from './chat-pattern.js';
import { isCompleted, outputOf } from './step-outputs.js';

/**
 * A draft, then review → revision → review … until the reviewer approves or the revisions run out.
 * Shared by `review-loop` (coder drafts, debugger revises) and `handshake` (the proposer does both).
 */
export interface ReviewCycle {
  draft: { stepId: string; agentId: string };
  reviewer: string;
  /** Who revises after a review that does not approve. */
  reviser: string;
  /** Step id of the n-th review (from 1). */
  reviewId(n: number): string;
  /** Step id of the n-th revision, which answers review n. */
  revisionId(n: number): string;
  /** Revisions allowed before the cycle gives up (the review after the last one still runs). */
  maxRevisions: number;
  approvalKeyword: string;
  /** The reviser's instruction, carrying the review it answers. */
  revisionInstruction(findings: string): string;
}

/** Where a review cycle stands: the step to run now, or how it ended and the latest work's step. */
export type ReviewCycleState =
  | { kind: 'step'; step: WorkflowStep }
  | { kind: 'approved' | 'exhausted'; workStepId: string; reviewStepId: string; reviews: number };

/**
 * Walks the cycle through the log (pure): the first step that has not completed is the one to run. Step
 * `n` of each kind keeps its id, so a resumed or replayed run finds its completed steps again.
 */
export function reviewCycleState(state: RunState, cycle: ReviewCycle): ReviewCycleState {
  const { draft, reviewer, reviser } = cycle;
  if (!isCompleted(state, draft.stepId)) return { kind: 'step', step: { ...draft, round: 1 } };
  let workStepId = draft.stepId;
  for (let n = 1; ; n++) {
    const reviewStepId = cycle.reviewId(n);
    if (!isCompleted(state, reviewStepId)) {
      return { kind: 'step', step: { stepId: reviewStepId, agentId: reviewer, round: n } };
    }
    const review = outputOf(state, reviewStepId);
    const ended = { workStepId, reviewStepId, reviews: n };
    if (isApproval(review, cycle.approvalKeyword)) return { kind: 'approved', ...ended };
    if (n > cycle.maxRevisions) return { kind: 'exhausted', ...ended };
    const revisionStepId = cycle.revisionId(n);
    if (!isCompleted(state, revisionStepId)) {
      const instruction = cycle.revisionInstruction(review);
      return { kind: 'step', step: { stepId: revisionStepId, agentId: reviser, round: n + 1, instruction } };
    }
    workStepId = revisionStepId;
  }
}
