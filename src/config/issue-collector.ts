import { ConfigError, type ConfigErrorCode, type ConfigIssue } from './config-error.js';
import { formatPath } from './config-path.js';
import type { LoadedConfigFile } from './load-config.js';

/** Gathers the semantic problems of a config so that all of them are reported in one {@link ConfigError}. */
export class IssueCollector {
  private readonly entries: { issue: ConfigIssue; code: ConfigErrorCode }[] = [];
  private readonly secrets = new Set<string>();

  constructor(private readonly file: LoadedConfigFile | null) {}

  /** A problem at a field path of agentmesh.yaml (line looked up in the file when there is one). */
  atField(path: readonly PropertyKey[], message: string, code: ConfigErrorCode = 'config_invalid'): void {
    const file = this.file;
    this.entries.push({
      code,
      issue: {
        file: file?.displayPath ?? null,
        line: file?.lineOf(path) ?? null,
        path: formatPath(path),
        message,
      },
    });
  }

  /** A problem with a flag or environment variable, e.g. `--model` or `AGENTMESH_BASE_URL`. */
  atSource(source: string, message: string, code: ConfigErrorCode = 'config_invalid'): void {
    this.entries.push({ code, issue: { file: null, line: null, path: source, message } });
  }

  /**
   * Values to mask in messages. Refs and names echoed in messages may come from `${VAR}` interpolation,
   * so a key put in the wrong field would otherwise be printed.
   */
  addSecrets(values: Iterable<string | null | undefined>): void {
    for (const value of values) if (value != null && value.length >= 4) this.secrets.add(value);
  }

  /** The secret values gathered so far. */
  secretValues(): string[] {
    return [...this.secrets];
  }

  /** Throws every gathered problem at once; the code is the shared one, else `config_invalid`. */
  throwIfAny(): void {
    if (this.entries.length === 0) return;
    for (const { issue } of this.entries) {
      for (const secret of this.secrets) issue.message = issue.message.replaceAll(secret, '***');
    }
    const codes = new Set(this.entries.map((entry) => entry.code));
    const [only] = codes;
    const code = codes.size === 1 && only !== undefined ? only : 'config_invalid';
    // Flag and env problems first: they are what the user typed last.
    const sorted = [...this.entries].sort((a, b) => (a.issue.line ?? 0) - (b.issue.line ?? 0));
    throw new ConfigError({ issues: sorted.map((entry) => entry.issue), code });
  }
}
