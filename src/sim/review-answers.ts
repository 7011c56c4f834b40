import { UNFIXABLE_MARKER } from './code-answers.js';
import type { Conversation } from './conversation.js';
import { pick } from './seeded-random.js';
import { shortTask, snakeName } from './task-words.js';

// The review scenario: the reviewer (critic) raises two numbered issues; an author (coder, architect,
// debugger) that sees them after its own last answer writes one `Fixed issue N (…)` line per issue; the
// reviewer approves once every issue of its last review has such a line after that review. For a task
// with the word `unfixable` no author ever addresses them, so the review never passes.

/** One issue the simulated reviewer raises, and what an author says when fixing it. */
interface ReviewIssue {
  title: string;
  detail: (name: string) => string;
  fix: (name: string) => string;
}

const ISSUES: readonly ReviewIssue[] = [
  {
    title: 'Input validation is missing',
    detail: (name) => `\`${name}\` should reject \`None\` with a clear ValueError instead of crashing.`,
    fix: (name) => `\`${name}\` now checks its input first and raises ValueError for \`None\`.`,
  },
  {
    title: 'Edge cases are untested',
    detail: () => 'add tests for empty input, duplicates and whitespace-only items.',
    fix: () => 'tests now cover empty input, duplicates and whitespace-only items.',
  },
];

const ISSUE_LINE = `^(\\d+)\\. (${ISSUES.map((issue) => issue.title).join('|')})\\b`;
const FIXED_LINE = /\bFixed issue (\d+)\b/g;

/** The reviewer's numbered issue lines. */
function issueLines(task: string): string {
  const name = snakeName(task);
  return ISSUES.map((issue, i) => `${i + 1}. ${issue.title}: ${issue.detail(name)}`).join('\n');
}

/** The critic's review: issues on a first look, APPROVED once a later message fixed every issue it raised. */
export function reviewAnswer(conversation: Conversation, variant: number): string {
  const { task, messages = [] } = conversation;
  const own = messages.findLastIndex((m) => m.role === 'assistant');
  if (own === -1) {
    const lead = pick(['I found two issues:', `Review of the work on ${shortTask(task)}:`], variant);
    return `${lead}\n\n${issueLines(task)}\n\nPlease fix both and send it back for another review.\n`;
  }
  const raised = new Set([...messages[own]!.content.matchAll(/^(\d+)\. /gm)].map((m) => m[1]));
  const fixed = new Set(
    messages
      .slice(own + 1)
      .filter((m) => m.role === 'user')
      .flatMap((m) => [...m.content.matchAll(FIXED_LINE)].map((match) => match[1])),
  );
  if ([...raised].every((n) => fixed.has(n))) return approvalAnswer(task, variant);
  return `The issues from my last review are still open:\n\n${issueLines(task)}\n\nPlease fix both and send it back for another review.\n`;
}

/** The critic's approval. */
export function approvalAnswer(task: string, variant: number): string {
  return pick(
    [
      `APPROVED. The revision of \`${snakeName(task)}\` addresses both earlier issues and is ready.`,
      `APPROVED. Validation and edge-case tests are now in place for ${shortTask(task)}.`,
    ],
    variant,
  );
}

/**
 * The review issues an author has not answered yet: those of the newest message after its own last
 * answer that lists the reviewer's issues (a review, or an instruction quoting one). Empty when there is
 * none, and always for an `unfixable` task, whose authors never address a review.
 */
export function openIssues(conversation: Conversation): number[] {
  if (UNFIXABLE_MARKER.test(conversation.task)) return [];
  const { messages = [] } = conversation;
  const own = messages.findLastIndex((m) => m.role === 'assistant');
  const review = messages
    .slice(own + 1)
    .findLast((m) => m.role === 'user' && new RegExp(ISSUE_LINE, 'm').test(m.content));
  if (!review) return [];
  return [...review.content.matchAll(new RegExp(ISSUE_LINE, 'gm'))].map((match) => Number(match[1]));
}

/** An author's lines answering the open issues, one `Fixed issue N (…)` each; '' when none are open. */
export function fixLines(conversation: Conversation): string {
  const name = snakeName(conversation.task);
  const lines = openIssues(conversation).flatMap((n) => {
    const issue = ISSUES[n - 1];
    return issue ? [`- Fixed issue ${n} (${issue.title.toLowerCase()}): ${issue.fix(name)}`] : [];
  });
  return lines.length > 0 ? `Fixes for the review:\n${lines.join('\n')}\n\n` : '';
}
