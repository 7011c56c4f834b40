import type { ValidationIssue } from '../bundle.js';

/** Limits of {@link formatValidationFeedback}. */
export interface FeedbackLimits {
  /** @default 30 */
  maxIssues?: number;
  /** Total characters, the "more issues" line included. @default 3000 */
  maxChars?: number;
}

const MAX_MESSAGE = 240;

/**
 * Syntax issues as compact feedback for the agent: one `path:line:col: message` line each, then how many
 * were left out when the limits cut the list. Empty when there are no issues.
 */
export function formatValidationFeedback(
  issues: readonly ValidationIssue[],
  { maxIssues = 30, maxChars = 3000 }: FeedbackLimits = {},
): string {
  const lines: string[] = [];
  let length = 0;
  for (const issue of issues) {
    const line = formatIssue(issue);
    const reserve = lines.length + 1 < issues.length ? 40 : 0;
    if (lines.length >= maxIssues || length + line.length + 1 + reserve > maxChars) break;
    lines.push(line);
    length += line.length + 1;
  }
  const left = issues.length - lines.length;
  if (left > 0) lines.push(`… ${left} more issue${left === 1 ? '' : 's'} not shown`);
  return lines.join('\n');
}

function formatIssue({ path, line, column, message }: ValidationIssue): string {
  const where =
    line === undefined ? path : column === undefined ? `${path}:${line}` : `${path}:${line}:${column}`;
  const text = message.replaceAll(/\s+/g, ' ').trim();
  return `${where}: ${text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text}`;
}
