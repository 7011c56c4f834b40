import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { AgentMeshError } from '../errors/index.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import { displayPath, formatPath } from './config-path.js';
import { interpolateTree } from './interpolate-env.js';
import { type FileConfig, fileConfigSchema } from './schema.js';
import { createLineLocator, type LineLocator } from './yaml-locator.js';
import { zodToConfigIssues } from './zod-issues.js';

/** File names looked for in the working directory, in order, when no path is given. */
export const CONFIG_FILE_NAMES = ['agentmesh.yaml', 'agentmesh.yml'] as const;

/** A validated, interpolated agentmesh.yaml and where each of its fields is. */
export interface LoadedConfigFile {
  /** Absolute path of the file. */
  path: string;
  /** The path as shown in messages (relative to cwd when inside it). */
  displayPath: string;
  config: FileConfig;
  /** Line of a field path in the file, for errors found after loading. */
  lineOf: LineLocator;
}

/** Options for {@link loadConfigFile}. */
export interface LoadConfigFileOptions {
  /** An explicit file (`--config`); it must exist. @default ./agentmesh.yaml, then ./agentmesh.yml */
  path?: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/**
 * Reads, parses, interpolates and validates the config file; null when no path is given and none exists.
 * @throws ConfigError (`config_invalid`) listing every problem; AgentMeshError `config_unreadable`.
 */
export async function loadConfigFile({
  path,
  cwd,
  env,
}: LoadConfigFileOptions): Promise<LoadedConfigFile | null> {
  const explicit = path !== undefined;
  const candidates = explicit ? [resolve(cwd, path)] : CONFIG_FILE_NAMES.map((name) => resolve(cwd, name));
  for (const file of candidates) {
    const text = await readConfigText(file, explicit);
    if (text !== null) return parseConfigText({ text, path: file, cwd, env });
  }
  return null;
}

async function readConfigText(file: string, mustExist: boolean): Promise<string | null> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return null;
    const why =
      code === 'ENOENT'
        ? 'no such file; check the --config path, or run `agentmesh init` to create one'
        : code === 'EISDIR'
          ? 'it is a directory; pass the path of the YAML file itself'
          : code === 'EACCES' || code === 'EPERM'
            ? 'permission denied; make the file readable by this user'
            : `${(error as Error).message}; check that the file exists and is readable`;
    throw new AgentMeshError({
      code: 'config_unreadable',
      message: `Cannot read config file ${file}: ${why}.`,
      context: { path: file, errno: code },
      cause: error,
    });
  }
}

/** Options for {@link parseConfigText}. */
export interface ParseConfigTextOptions {
  text: string;
  /** Absolute path the text came from, for messages. */
  path: string;
  cwd: string;
  env: Record<string, string | undefined>;
}

/** Parses YAML text into a validated file config (the part of {@link loadConfigFile} after reading). */
export function parseConfigText({ text, path, cwd, env }: ParseConfigTextOptions): LoadedConfigFile {
  const file = displayPath(path, cwd);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError({
      issues: doc.errors.map((error) => {
        const { line, col } = lineCounter.linePos(error.pos[0]);
        return { file, line, column: col, path: '', message: `invalid YAML: ${firstLine(error.message)}` };
      }),
    });
  }
  const lineOf = createLineLocator(doc, lineCounter);
  // An empty file (or one with only comments) is a valid config with nothing set.
  const raw: unknown = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const { data, missing } = interpolateTree(raw, env);

  const issues: ConfigIssue[] = missing.map(({ path: at, name }) => ({
    file,
    line: lineOf(at),
    path: formatPath(at),
    message: `environment variable ${name} is not set; set it, or give a default with \${${name}:-value}`,
  }));
  const result = fileConfigSchema.safeParse(data);
  if (!result.success) {
    // A missing variable leaves '' behind; its own message says more than "expected a number".
    const reported = new Set(issues.map((issue) => issue.path));
    const schemaIssues = zodToConfigIssues(result.error.issues, {
      schema: fileConfigSchema,
      raw,
      file,
      lineOf,
    });
    issues.push(...schemaIssues.filter((issue) => !reported.has(issue.path)));
  }
  if (issues.length > 0 || !result.success) {
    throw new ConfigError({ issues: issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0)) });
  }
  return { path, displayPath: file, config: result.data, lineOf };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '').trim();
}
