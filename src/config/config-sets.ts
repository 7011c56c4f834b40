import { type Document, isMap, isScalar, isSeq, parse, parseDocument, YAMLMap } from 'yaml';
import { AgentMeshError } from '../errors/index.js';
import { closestMatch } from './closest-match.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { formatPath } from './config-path.js';
import type { ResolvedConfig } from './resolved-config.js';

/** The top-level sections `--set` may change. */
export const SETTABLE_SECTIONS = ['agents', 'teams', 'limits', 'models'] as const;

/** One `--set path=value`: where in agentmesh.yaml, and the value parsed as YAML. */
export interface ConfigSet {
  /** Field path; numbers index lists. */
  path: (string | number)[];
  value: unknown;
  /** As typed, for messages. */
  text: string;
}

/**
 * Parses `path=value`. The path is dotted (`agents.coder.temperature`), with brackets for list
 * indexes and keys that are not plain words (`teams.chat.agents[0]`, `models["a:b/c-1.5"].input`);
 * the value is YAML (`0` is a number, `true` a boolean, `[a, b]` a list).
 * @throws AgentMeshError `usage` naming what is wrong
 */
export function parseConfigSet(text: string): ConfigSet {
  const equals = text.indexOf('=');
  const bad = (why: string) =>
    new AgentMeshError({
      code: 'usage',
      message: `--set ${text}: ${why}.`,
      context: { set: text },
    });
  if (equals <= 0) throw bad('expected path=value, e.g. --set agents.coder.temperature=0');
  const path = parseSetPath(text.slice(0, equals).trim());
  if (path === null) throw bad('the path does not parse; write it like agents.coder.temperature');
  const [section] = path;
  if (!SETTABLE_SECTIONS.includes(section as (typeof SETTABLE_SECTIONS)[number])) {
    throw bad(`only ${SETTABLE_SECTIONS.join(', ')} can be changed, not "${String(section)}"`);
  }
  if (path.length < 2) throw bad(`name a field inside ${String(section)}, e.g. ${section}.<id>.<field>`);
  let value: unknown;
  try {
    value = parse(text.slice(equals + 1));
  } catch (error) {
    throw bad(`the value is not valid YAML (${(error as Error).message.split('\n')[0]})`);
  }
  return { path, value, text };
}

/** Splits `a.b[0]["c.d"]` into `['a', 'b', 0, 'c.d']`; null when it does not parse. */
export function parseSetPath(text: string): (string | number)[] | null {
  const path: (string | number)[] = [];
  const token = /\.?([A-Za-z_][\w-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]|\[([^\]"]+)\]/y;
  let at = 0;
  while (at < text.length) {
    token.lastIndex = at;
    const match = token.exec(text);
    // A leading dot, or a word right after another word, is malformed.
    if (match === null || (match[1] !== undefined && (at === 0) === match[0].startsWith('.'))) return null;
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else if (match[3] !== undefined) path.push(JSON.parse(match[3]) as string);
    else path.push(match[4]!);
    at = token.lastIndex;
  }
  return path.length > 0 ? path : null;
}

/**
 * Refuses sets that would create an agent, team or model by a typo: `agents.<id>`, `teams.<id>` and
 * `models.<ref>` must name one the config already has.
 * @throws AgentMeshError `unknown_agent`, `unknown_team` or `unknown_model` (exit 2)
 */
export function checkSetTargets(sets: readonly ConfigSet[], config: ResolvedConfig): void {
  const known = {
    agents: { ids: Object.keys(config.agents), what: 'agent', code: 'unknown_agent' },
    teams: { ids: Object.keys(config.teams), what: 'team', code: 'unknown_team' },
    models: { ids: Object.keys(config.models), what: 'model', code: 'unknown_model' },
  } as const;
  for (const set of sets) {
    const [section, id] = set.path;
    if (section !== 'agents' && section !== 'teams' && section !== 'models') continue;
    const { ids, what, code } = known[section];
    if (ids.includes(String(id))) continue;
    const guess = closestMatch(String(id), ids);
    throw new AgentMeshError({
      code,
      message: `--set ${set.text}: no ${what} "${String(id)}"${guess === null ? '' : ` (did you mean "${guess}"?)`}; ${section}: ${ids.join(', ')}.`,
      context: { set: set.text, [what]: id },
    });
  }
}

/**
 * Applies the sets to agentmesh.yaml text (empty for no file) and returns the new text, comments and
 * layout kept, for the usual parse and validation. A missing or empty mapping on the way is created.
 * @throws AgentMeshError `usage` when the path runs into a value that is not a mapping or list
 */
export function applyConfigSets(text: string, sets: readonly ConfigSet[]): string {
  // Not the parsed-document type: the sets add nodes that were never parsed.
  const doc: Document = parseDocument(text);
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value == null)) {
    doc.contents = new YAMLMap();
  }
  for (const set of sets) {
    for (let depth = 1; depth < set.path.length; depth++) {
      const prefix = set.path.slice(0, depth);
      const node = doc.getIn(prefix, true);
      if (node === undefined || (isScalar(node) && node.value == null)) {
        doc.setIn(prefix, new YAMLMap());
      } else if (!isMap(node) && !isSeq(node)) {
        throw new AgentMeshError({
          code: 'usage',
          message: `--set ${set.text}: ${formatPath(prefix)} holds a single value in the config, not fields to set.`,
          context: { set: set.text },
        });
      }
    }
    doc.setIn(set.path, set.value);
  }
  return doc.toString();
}

/**
 * Re-aims the problems found after applying sets at the sets themselves: an issue at (or above) a set
 * path reads `--set <path=value>: <problem>`; any other has no line, since the text was rewritten.
 */
export function blameSets(error: unknown, sets: readonly ConfigSet[]): unknown {
  if (!(error instanceof ConfigError)) return error;
  const issues: ConfigIssue[] = error.issues.map((issue) => {
    const set = sets.find((candidate) => related(formatPath(candidate.path), issue.path));
    if (set) return { file: null, line: null, path: `--set ${set.text}`, message: issue.message };
    return { ...issue, line: null, message: `${issue.message} (after --set)` };
  });
  return new ConfigError({
    issues,
    code: error.code as ConstructorParameters<typeof ConfigError>[0]['code'],
  });
}

/** True when one field path lies inside the other (or they are equal). */
function related(setPath: string, issuePath: string): boolean {
  const within = (inner: string, outer: string) =>
    inner === outer || inner.startsWith(`${outer}.`) || inner.startsWith(`${outer}[`);
  return within(issuePath, setPath) || (issuePath.includes('.') && within(setPath, issuePath));
}
