import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { z } from 'zod';
import { AgentMeshError } from '../errors/index.js';
import type { ToolSpec } from '../llm/provider.js';
import { type JsonSchema, TOOL_NAME_PATTERN, type ToolDefinition } from './tool.js';
import { oneLine } from './wrap-tool-result.js';

/** A call whose arguments passed the tool's schema: what `execute` receives. */
export interface ParsedToolCall {
  tool: ToolDefinition;
  args: unknown;
}

/**
 * The tools of one agent: their specs for the model, and the checks a call's raw arguments go through
 * before a tool sees them (JSON, then the tool's zod schema or JSON Schema). Built once per set of
 * definitions ({@link ToolSet.of}); JSON Schemas are compiled once per schema object.
 */
export class ToolSet {
  readonly #tools = new Map<string, { definition: ToolDefinition; validate: Validator }>();
  readonly #specs: ToolSpec[] = [];

  /** Throws `config_invalid` for a name providers refuse, a duplicate name, or parameters that are not an object schema. */
  constructor(definitions: readonly ToolDefinition[]) {
    for (const definition of definitions) {
      const { name } = definition;
      if (!TOOL_NAME_PATTERN.test(name)) {
        throw configError(name, `its name must match ${TOOL_NAME_PATTERN} (letters, digits, _ and -)`);
      }
      if (this.#tools.has(name)) throw configError(name, 'two tools have this name; rename one');
      const { parameters, validate } = compileParameters(definition);
      this.#tools.set(name, { definition, validate });
      this.#specs.push({ name, description: definition.description, parameters });
    }
  }

  /** The set for `definitions`, built on first use and kept as long as the array lives. */
  static of(definitions: readonly ToolDefinition[]): ToolSet {
    let set = SETS.get(definitions);
    if (!set) {
      set = new ToolSet(definitions);
      SETS.set(definitions, set);
    }
    return set;
  }

  /** The tool names, in declaration order. */
  get names(): string[] {
    return [...this.#tools.keys()];
  }

  /** The tool called `name`, if the set has it. */
  get(name: string): ToolDefinition | undefined {
    return this.#tools.get(name)?.definition;
  }

  /** The tools as offered to the model: JSON Schema parameters, always `type: "object"`. */
  specs(): ToolSpec[] {
    return this.#specs;
  }

  /**
   * The tool and its validated arguments. Throws `tool_unknown` (naming the available tools) or
   * `tool_args_invalid` (naming the tool and the first problem). Empty text counts as `{}` only when the
   * schema accepts an empty object.
   */
  parseCall(name: string, rawArguments: string): ParsedToolCall {
    const entry = this.#tools.get(name);
    if (!entry) {
      throw new AgentMeshError({
        code: 'tool_unknown',
        message: `There is no tool named "${oneLine(name, 80)}"; the tools you can call are: ${this.names.join(', ') || 'none'}.`,
        context: { tool: name, available: this.names },
      });
    }
    const empty = rawArguments.trim() === '';
    let value: unknown = {};
    if (!empty) {
      try {
        value = JSON.parse(rawArguments);
      } catch (error) {
        const problem = error instanceof Error ? error.message : String(error);
        throw argsError(name, `are not valid JSON (${oneLine(problem, 120)})`);
      }
    }
    let checked: Checked;
    try {
      checked = entry.validate(value);
    } catch (error) {
      // A user's refinement may throw: the call still ends as a typed result, not a crash.
      checked = { ok: false, problem: `could not be checked: ${errorText(error)}` };
    }
    if (!checked.ok) {
      throw argsError(name, `${empty ? 'are empty' : 'do not fit its parameters'}: ${checked.problem}`);
    }
    return { tool: entry.definition, args: checked.value };
  }
}

/** The value as the tool gets it (zod applies defaults and transforms), or the first problem as `<path>: <what>`. */
type Checked = { ok: true; value: unknown } | { ok: false; problem: string };

/** Checks a parsed arguments value against the tool's schema. */
type Validator = (value: unknown) => Checked;

const SETS = new WeakMap<readonly ToolDefinition[], ToolSet>();
const COMPILED = new WeakMap<JsonSchema, ValidateFunction>();
// `addUsedSchema: false`: two MCP servers may reuse one `$id`; formats are for the tool to check.
const ajv = new Ajv({ strict: false, validateFormats: false, addUsedSchema: false, allErrors: false });

function compileParameters(definition: ToolDefinition): { parameters: JsonSchema; validate: Validator } {
  const { name, parameters } = definition;
  if (isZodSchema(parameters)) {
    let schema: JsonSchema;
    try {
      schema = z.toJSONSchema(parameters, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    } catch (error) {
      throw configError(name, `its zod schema has no JSON Schema form (${errorText(error)})`);
    }
    const { $schema: _dialect, ...rest } = schema;
    if (rest.type !== 'object') throw notAnObject(name);
    return { parameters: rest, validate: (value) => checkWithZod(parameters, value) };
  }
  if (parameters.type !== undefined && parameters.type !== 'object') throw notAnObject(name);
  const { $schema: _dialect, ...rest } = parameters;
  const schema: JsonSchema = { ...rest, type: 'object' };
  let validate = COMPILED.get(parameters);
  if (!validate) {
    try {
      validate = ajv.compile(schema);
    } catch (error) {
      throw configError(name, `its JSON Schema does not compile (${errorText(error)})`);
    }
    COMPILED.set(parameters, validate);
  }
  const compiled = validate;
  return {
    parameters: schema,
    validate: (value) =>
      compiled(value) ? { ok: true, value } : { ok: false, problem: ajvProblem(compiled.errors?.[0]) },
  };
}

function isZodSchema(parameters: ToolDefinition['parameters']): parameters is z.ZodType {
  return typeof parameters === 'object' && parameters !== null && '_zod' in parameters;
}

function checkWithZod(schema: z.ZodType, value: unknown): Checked {
  const result = z.safeParse(schema, value);
  if (result.success) return { ok: true, value: result.data };
  const issue = result.error.issues[0];
  return {
    ok: false,
    problem: issue ? `${pathText(issue.path)}: ${issue.message}` : 'rejected by its schema',
  };
}

function ajvProblem(error: ErrorObject | undefined): string {
  if (!error) return 'rejected by its schema';
  const path = error.instancePath.split('/').slice(1).map(unescapePointer);
  if (error.keyword === 'required') {
    return `${pathText([...path, String(error.params.missingProperty)])}: is required`;
  }
  if (error.keyword === 'additionalProperties') {
    return `${pathText(path)}: has an unknown property "${String(error.params.additionalProperty)}"`;
  }
  return `${pathText(path)}: ${error.message ?? error.keyword}`;
}

/** `items[2].name`; the arguments object itself is `(arguments)`. */
function pathText(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(arguments)';
  const text = path
    .map((key, index) => {
      if (typeof key === 'number' || /^\d+$/.test(String(key))) return `[${String(key)}]`;
      return index === 0 ? String(key) : `.${String(key)}`;
    })
    .join('');
  return oneLine(text, 120);
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function argsError(tool: string, problem: string): AgentMeshError {
  return new AgentMeshError({
    code: 'tool_args_invalid',
    message: `Arguments of ${tool} ${oneLine(problem, 300)}; call ${tool} again with one JSON object that fits its parameters.`,
    context: { tool },
  });
}

function notAnObject(name: string): AgentMeshError {
  return configError(name, 'its parameters must be an object schema (z.object(…) or { type: "object" })');
}

function configError(name: string, problem: string): AgentMeshError {
  return new AgentMeshError({
    code: 'config_invalid',
    message: `Tool "${name}": ${problem}.`,
    context: { tool: name },
  });
}

function errorText(error: unknown): string {
  return oneLine(error instanceof Error ? error.message : String(error), 200);
}
