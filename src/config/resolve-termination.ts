import { closestMatch } from './closest-match.js';
import type { IssueCollector } from './issue-collector.js';
import type { RepetitionConfig, TerminationConfig } from './resolved-config.js';

type Path = (string | number)[];

/** The keys a termination mapping may have: the two combinators, then the conditions. */
export const TERMINATION_KEYS = [
  'any',
  'all',
  'maxRounds',
  'maxMessages',
  'mention',
  'maxTokens',
  'maxCostUsd',
  'timeoutSeconds',
  'repetition',
] as const;

const REPETITION_KEYS = ['threshold', 'window', 'action', 'instruction', 'toolCallWindow'] as const;
const MENTION_KEYS = ['text', 'from'] as const;

/** What a steered agent is told when no `instruction` is given and no mention condition names a word to reply. */
export const DEFAULT_STEER_INSTRUCTION =
  'You are repeating your earlier messages. Do not restate them: add something new, or say in one line that you have nothing to add.';

/** `repetition: {}` (or `repetition: true`): these values, each overridable. */
export const DEFAULT_REPETITION: RepetitionConfig = {
  threshold: 0.9,
  window: 3,
  action: 'stop',
  instruction: DEFAULT_STEER_INSTRUCTION,
  toolCallWindow: 5,
};

/**
 * `teams.<id>.termination` parsed into a TerminationConfig; null when not given (or on errors, which go
 * to `issues` at their exact path). A mapping with several keys stops when any of them holds. With
 * `teamAgents`, a mention's `from` must be one of them.
 */
export function resolveTermination(
  raw: Record<string, unknown> | null | undefined,
  path: Path,
  issues: IssueCollector,
  teamAgents?: readonly string[],
): TerminationConfig | null {
  if (raw == null) return null;
  const reporter = new Reporter(issues, teamAgents ?? null);
  const condition = reporter.condition(raw, path);
  if (condition === null || reporter.issuesSoFar > 0) return null;
  const instruction = steerInstruction(firstMentionWord(condition));
  // Parsed objects of our own: filling them in place keeps the tree as built.
  for (const repetition of reporter.defaultInstructions) repetition.instruction = instruction;
  return condition;
}

/** Walks the raw tree; any problem is reported where it is and makes the whole result null. */
class Reporter {
  /** Problems reported so far. */
  issuesSoFar = 0;
  /** Repetition conditions that got no `instruction` of their own. */
  readonly defaultInstructions: RepetitionConfig[] = [];

  constructor(
    private readonly issues: IssueCollector,
    private readonly teamAgents: readonly string[] | null,
  ) {}

  condition(raw: unknown, path: Path): TerminationConfig | null {
    if (!isMapping(raw)) {
      return this.fail(
        path,
        `expected a condition such as { maxRounds: 5 }; conditions: ${list(TERMINATION_KEYS)}`,
      );
    }
    const entries = Object.entries(raw);
    if (entries.length === 0) {
      return this.fail(path, `expected at least one condition; conditions: ${list(TERMINATION_KEYS)}`);
    }
    const parsed = entries.map(([key, value]) => this.entry(key, value, [...path, key]));
    if (parsed.some((condition) => condition === null)) return null;
    const conditions = parsed as TerminationConfig[];
    return conditions.length === 1 ? conditions[0]! : { any: conditions };
  }

  private entry(key: string, value: unknown, path: Path): TerminationConfig | null {
    switch (key) {
      case 'any':
      case 'all': {
        const members = this.members(value, path);
        if (members === null) return null;
        return key === 'any' ? { any: members } : { all: members };
      }
      case 'maxRounds':
      case 'maxMessages':
      case 'maxTokens': {
        const count = this.number(value, path, { integer: true });
        return count === null ? null : ({ [key]: count } as TerminationConfig);
      }
      case 'maxCostUsd': {
        const usd = this.number(value, path, { integer: false });
        return usd === null ? null : { maxCostUsd: usd };
      }
      case 'timeoutSeconds': {
        const seconds = this.number(value, path, { integer: false });
        return seconds === null ? null : { timeoutMs: Math.round(seconds * 1000) };
      }
      case 'mention':
        return this.mention(value, path);
      case 'repetition':
        return this.repetition(value, path);
      default:
        return this.fail(path, unknownKey('condition', key, TERMINATION_KEYS));
    }
  }

  private members(value: unknown, path: Path): TerminationConfig[] | null {
    if (!Array.isArray(value) || value.length === 0) {
      return this.fail(
        path,
        'expected a list of at least one condition, e.g. [{ maxRounds: 5 }, { mention: APPROVED }]',
      );
    }
    const members = value.map((item, index) => this.condition(item, [...path, index]));
    return members.some((member) => member === null) ? null : (members as TerminationConfig[]);
  }

  private mention(value: unknown, path: Path): TerminationConfig | null {
    if (typeof value === 'string') {
      const text = value.trim();
      if (text === '') return this.fail(path, MENTION_SHAPE);
      return { mention: { text, from: null } };
    }
    if (!isMapping(value)) return this.fail(path, MENTION_SHAPE);
    if (!this.onlyKeys(value, MENTION_KEYS, path, 'key')) return null;
    const text = typeof value.text === 'string' ? value.text.trim() : '';
    if (text === '')
      return this.fail([...path, 'text'], 'expected a non-empty word to look for, e.g. TERMINATE');
    const from = value.from ?? null;
    if (from !== null && (typeof from !== 'string' || from.trim() === '')) {
      return this.fail([...path, 'from'], 'expected the id of an agent of this team');
    }
    if (from !== null && this.teamAgents !== null && !this.teamAgents.includes(from)) {
      const guess = closestMatch(from, this.teamAgents);
      return this.fail(
        [...path, 'from'],
        `"${from}" is not an agent of this team${guess === null ? '' : ` (did you mean "${guess}"?)`}; its agents: ${this.teamAgents.join(', ')}`,
        'unknown_agent',
      );
    }
    return { mention: { text, from } };
  }

  private repetition(value: unknown, path: Path): TerminationConfig | null {
    if (value === null || value === true)
      return { repetition: this.withDefaultInstruction({ ...DEFAULT_REPETITION }) };
    if (!isMapping(value)) {
      return this.fail(path, `expected a mapping of ${list(REPETITION_KEYS)} (or {} for the defaults)`);
    }
    if (!this.onlyKeys(value, REPETITION_KEYS, path, 'key')) return null;
    const repetition: RepetitionConfig = { ...DEFAULT_REPETITION };
    const failures = this.issuesSoFar;
    const { threshold, window, toolCallWindow, action, instruction } = value;
    if (threshold !== undefined) {
      const similarity = toNumber(threshold);
      if (similarity === null || similarity <= 0 || similarity > 1) {
        this.fail([...path, 'threshold'], 'expected a similarity greater than 0 and at most 1, e.g. 0.9');
      } else repetition.threshold = similarity;
    }
    if (window !== undefined)
      repetition.window = this.number(window, [...path, 'window'], { integer: true }) ?? 0;
    if (toolCallWindow !== undefined) {
      repetition.toolCallWindow =
        this.number(toolCallWindow, [...path, 'toolCallWindow'], { integer: true }) ?? 0;
    }
    if (action === 'stop' || action === 'steer') repetition.action = action;
    else if (action !== undefined) this.fail([...path, 'action'], 'expected stop or steer');
    if (typeof instruction === 'string' && instruction.trim() !== '')
      repetition.instruction = instruction.trim();
    else if (instruction !== undefined) {
      this.fail([...path, 'instruction'], 'expected a non-empty instruction for the repeating agent');
    }
    if (this.issuesSoFar > failures) return null;
    return { repetition: instruction === undefined ? this.withDefaultInstruction(repetition) : repetition };
  }

  /** Marks a repetition whose instruction is the default; it is worded once the whole tree is known. */
  private withDefaultInstruction(repetition: RepetitionConfig): RepetitionConfig {
    this.defaultInstructions.push(repetition);
    return repetition;
  }

  private number(value: unknown, path: Path, { integer }: { integer: boolean }): number | null {
    const number = toNumber(value);
    if (number === null || number <= 0 || (integer && !Number.isInteger(number))) {
      return this.fail(
        path,
        integer ? 'expected a whole number greater than 0' : 'expected a number greater than 0',
      );
    }
    return number;
  }

  private onlyKeys(
    value: Record<string, unknown>,
    allowed: readonly string[],
    path: Path,
    what: string,
  ): boolean {
    let ok = true;
    for (const key of Object.keys(value)) {
      if (allowed.includes(key)) continue;
      this.fail([...path, key], unknownKey(what, key, allowed));
      ok = false;
    }
    return ok;
  }

  private fail(path: Path, message: string, code?: 'unknown_agent'): null {
    this.issuesSoFar++;
    this.issues.atField(path, message, code);
    return null;
  }
}

const MENTION_SHAPE = 'expected a word such as APPROVED, or { text: TERMINATE, from: <agent id> }';

function firstMentionWord(condition: TerminationConfig): string | null {
  if ('any' in condition || 'all' in condition) {
    const members = 'any' in condition ? condition.any : condition.all;
    for (const member of members) {
      const word = firstMentionWord(member);
      if (word !== null) return word;
    }
    return null;
  }
  return 'mention' in condition && condition.mention.from === null ? condition.mention.text : null;
}

/** The default steer: point the agent at the word that ends the run when the team has one. */
function steerInstruction(word: string | null): string {
  if (word === null) return DEFAULT_STEER_INSTRUCTION;
  return `You are repeating your earlier messages. Do not restate them: add something new, or reply ${word} if the task is done.`;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A number, or a numeric string (what `${VAR}` interpolation leaves); null otherwise. */
function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?([eE][-+]?\d+)?\s*$/.test(value)) return Number(value);
  return null;
}

function unknownKey(what: string, key: string, allowed: readonly string[]): string {
  const guess = closestMatch(key, allowed);
  return `unknown ${what} "${key}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; allowed: ${list(allowed)}`;
}

function list(keys: readonly string[]): string {
  return keys.join(', ');
}
