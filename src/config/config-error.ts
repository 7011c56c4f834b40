import { AgentMeshError } from '../errors/index.js';

/** One problem in the configuration: where it is and what is allowed instead. */
export interface ConfigIssue {
  /** The config file as the user would type it (relative to cwd when inside it), or null for flags and env. */
  file: string | null;
  /** 1-based line in `file`, or null when the problem has no place in a file. */
  line: number | null;
  /** 1-based column; set for YAML syntax errors only. */
  column?: number;
  /** Dot-path of the field (`agents.coder.temperature`), a flag (`--model`), or '' for the whole file. */
  path: string;
  message: string;
}

/** Codes a {@link ConfigError} may carry: `config_invalid` unless every issue is of one narrower kind. */
export type ConfigErrorCode = 'config_invalid' | 'unknown_model' | 'unknown_team' | 'unknown_agent';

/** Formats one issue as `file:line: path: message` (file, line and path left out when unknown). */
export function formatConfigIssue(issue: ConfigIssue): string {
  let where = '';
  if (issue.file !== null) {
    where = issue.file;
    if (issue.line !== null) where += `:${issue.line}`;
    if (issue.line !== null && issue.column !== undefined) where += `:${issue.column}`;
    where += ': ';
  }
  const path = issue.path === '' ? '' : `${issue.path}: `;
  return `${where}${path}${issue.message}`;
}

/**
 * Every problem found in the configuration at once. The message is one line (the first issue, plus how
 * many more); `issues` and {@link ConfigError.formatIssues} give them all.
 */
export class ConfigError extends AgentMeshError {
  readonly issues: readonly ConfigIssue[];

  constructor({
    issues,
    code = 'config_invalid',
  }: { issues: readonly ConfigIssue[]; code?: ConfigErrorCode }) {
    const [first] = issues;
    const more = issues.length - 1;
    const suffix = more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : '';
    super({
      code,
      message: `${first === undefined ? 'invalid configuration' : formatConfigIssue(first)}${suffix}`,
      context: { issues: issues.map((issue) => ({ ...issue })) },
    });
    this.issues = issues;
  }

  /** One line per issue, in the order found. */
  formatIssues(): string[] {
    return this.issues.map(formatConfigIssue);
  }
}
