import { stepIdFor } from '../core/index.js';
import { completedSteps, lastOutput, type TeamPattern } from './team-pattern.js';

/** Options for {@link chatPattern}. */
export interface ChatPatternOptions {
  agentIds: readonly string[];
  maxRounds: number;
  /** The agent whose approval ends the conversation; null means only maxRounds ends it. */
  approver: string | null;
  approvalKeyword: string;
}

/**
 * `chat`: round-robin over a shared transcript. When the approver approves, the round is finished
 * (so the agents after it, such as a summarizer, still speak) and the run stops `approved`;
 * otherwise it stops after `maxRounds` full rounds with `max_rounds`.
 */
export function chatPattern({
  agentIds,
  maxRounds,
  approver,
  approvalKeyword,
}: ChatPatternOptions): TeamPattern {
  return {
    next(state) {
      const done = completedSteps(state);
      const roundSize = agentIds.length;
      const approved =
        approver !== null &&
        state.transcript.some((m) => m.agentId === approver && isApproval(m.content, approvalKeyword));
      if (done % roundSize === 0 && done > 0) {
        if (approved) return { kind: 'finish', stopReason: 'approved', output: lastOutput(state) };
        if (done / roundSize >= maxRounds) {
          return { kind: 'finish', stopReason: 'max_rounds', output: lastOutput(state) };
        }
      }
      const agentId = agentIds[done % roundSize]!;
      return {
        kind: 'steps',
        steps: [{ stepId: stepIdFor(agentId, done), agentId, round: Math.floor(done / roundSize) + 1 }],
      };
    },
  };
}

/**
 * True when a message approves: its first or last non-empty line, stripped of markdown, starts with
 * the keyword in capitals. Matching whole lines keeps "this is not APPROVED yet" from ending a chat.
 */
export function isApproval(content: string, keyword: string): boolean {
  const lines = content
    .split('\n')
    .map((line) => line.replace(/^[\s*#>_`-]+/, '').trim())
    .filter((line) => line.length > 0);
  const startsWithKeyword = (line: string | undefined) =>
    line !== undefined && new RegExp(`^${escapeRegExp(keyword)}\\b`).test(line);
  return startsWithKeyword(lines[0]) || startsWithKeyword(lines.at(-1));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
