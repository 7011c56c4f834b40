import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { runAgentTurn } from '../src/agents/run-agent-turn.js';
import { resolveConfig } from '../src/config/index.js';
import type { ResolvedConfig } from '../src/config/resolved-config.js';
import { foldRun, type RunState } from '../src/core/index.js';
import { LlmGateway } from '../src/llm/gateway.js';
import { OpenAiCompatibleProvider } from '../src/llm/providers/openai-compatible-provider.js';
import { type RunningSimulator, startSimulator } from '../src/sim/index.js';
import { type Random, seededRandom } from '../src/sim/seeded-random.js';
import { SqliteRunStore } from '../src/store/sqlite/sqlite-run-store.js';
import { defineTool, type ToolDefinition } from '../src/tools/tool.js';
import { executeRun } from '../src/workflow/execute-run.js';
import { RunRecorder } from '../src/workflow/run-recorder.js';
import type { Workflow } from '../src/workflow/workflow.js';

/**
 * 500 fuzzed argument strings, each sent by the simulator (scripted, streamed or not) as the model's
 * first tool call, then a valid re-ask: the loop must turn each into a completed call or a typed
 * `tool_args_invalid` result, never crash, and never let an error text become the answer.
 */

const CASES = 500;
const VALID = [
  '{"path":"a.txt"}',
  '{"path":"src/main.py","lines":[1,20]}',
  '{"lines":[],"path":"notes/ä.md"}',
];

/** Seeded argument strings of every kind a model (or a cut stream) has been seen to send. */
function fuzzedArguments(random: Random): string {
  const int = (max: number) => Math.floor(random() * max);
  const valid = VALID[int(VALID.length)]!;
  const generators: (() => string)[] = [
    // Truncated valid JSON (a stream cut short, DeepSeek's half-sent arguments).
    () => valid.slice(0, int(valid.length)),
    // Random bytes, as Latin-1 text.
    () => String.fromCharCode(...Array.from({ length: 1 + int(64) }, () => int(256))),
    // Random UTF-16 code units, lone surrogates included.
    () => String.fromCharCode(...Array.from({ length: 1 + int(32) }, () => int(0x10000))),
    () => ['', ' ', '\n', '\t \r\n', '{}', '[]'][int(6)]!,
    // Wrong types: not an object, or fields of the wrong type.
    () =>
      [
        'null',
        'true',
        '42',
        '"a.txt"',
        '[{"path":"a.txt"}]',
        '{"path":7}',
        '{"path":null}',
        '{"path":["a"]}',
        '{"path":"a","lines":"1-20"}',
        '{"path":"a","lines":[1.5]}',
        '{"path":""}',
        '{"file":"a.txt"}',
      ][int(12)]!,
    // Deep nesting, inside a field and as the whole value.
    () => {
      const depth = 1 + int(20_000);
      return random() < 0.5
        ? `{"path":"a","lines":${'['.repeat(depth)}${']'.repeat(depth)}}`
        : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    },
    // Huge strings, valid and cut.
    () => {
      const huge = `{"path":"${'x'.repeat(10_000 + int(90_000))}"}`;
      return random() < 0.5 ? huge : huge.slice(0, -2);
    },
    // Unicode: keys, values, escapes (valid and not), emoji, control characters.
    () =>
      [
        '{"path":"ファイル/📄.txt"}',
        '{"päth":"a.txt"}',
        '{"path":"\\u0000\\u001f"}',
        '{"path":"\\ud83d"}',
        '{"path":"\\x41"}',
        '{"path":"a\u0000b"}',
        '{"path":"\u202eevil.txt"}',
        '\ufeff{"path":"a.txt"}',
      ][int(8)]!,
    // Almost JSON: single quotes, bare keys, trailing text or commas, comments, fences, NaN.
    () =>
      [
        "{'path':'a.txt'}",
        '{path: a.txt}',
        '{"path":"a.txt"} trailing',
        '{"path":"a.txt",}',
        '{"path":"a.txt" /* note */}',
        '```json\n{"path":"a.txt"}\n```',
        '{"path":"a","lines":[NaN]}',
        '{"path":"a","path":"b"}',
      ][int(8)]!,
  ];
  return generators[int(generators.length)]!();
}

const readNote = defineTool({
  name: 'read_note',
  description: 'Reads a note.',
  parameters: z.object({ path: z.string().min(1), lines: z.array(z.number().int()).max(2).optional() }),
  execute: async ({ path }) => `note ${path.slice(0, 40)}`,
}) as ToolDefinition;

/** The same tool declared with raw JSON Schema, checked by ajv (as MCP tools are). */
const readNoteJsonSchema: ToolDefinition = {
  name: 'read_note',
  description: 'Reads a note.',
  parameters: {
    type: 'object',
    properties: {
      path: { type: 'string', minLength: 1 },
      lines: { type: 'array', items: { type: 'integer' }, maxItems: 2 },
    },
    required: ['path'],
  },
  execute: async (args) => `note ${String((args as { path: string }).path).slice(0, 40)}`,
};

let sim: RunningSimulator;
let dir: string;
let config: ResolvedConfig;
let store: SqliteRunStore;
const unhandled: unknown[] = [];
const onUnhandled = (error: unknown) => unhandled.push(error);

beforeAll(async () => {
  sim = await startSimulator({ port: 0, seed: 8 });
  dir = await mkdtemp(join(tmpdir(), 'agentmesh-fuzz-'));
  config = resolveConfig({
    file: null,
    env: {},
    cwd: dir,
    overrides: { baseUrl: sim.url, model: 'sim-model' },
  });
  store = SqliteRunStore.open({ path: join(dir, 'runs.db') });
  process.on('unhandledRejection', onUnhandled);
  process.on('uncaughtException', onUnhandled);
});
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled);
  process.off('uncaughtException', onUnhandled);
  await store.close();
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

function oneStep(tool: ToolDefinition, stream: boolean): Workflow {
  const gateway = new LlmGateway({
    providers: { custom: new OpenAiCompatibleProvider({ config: config.providers.custom! }) },
    retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 1 },
  });
  const agent = { ...config.agents.coder!, cache: false };
  return {
    next: (state) =>
      state.steps[0]?.status === 'completed'
        ? { kind: 'finish', stopReason: 'completed', output: state.transcript.at(-1)?.content ?? '' }
        : { kind: 'steps', steps: [{ stepId: 's1', agentId: 'coder', round: 1 }] },
    runStep: (step, context) =>
      runAgentTurn({
        agent,
        models: [config.models[agent.model]!],
        gateway,
        task: 'Summarise the notes',
        step,
        context,
        stream,
        timeoutMs: 30_000,
        tools: { definitions: [tool], maxRounds: 4, maxInvalidArgs: 2, timeoutMs: 5_000, workspace: dir },
      }),
  };
}

async function runCase(index: number, args: string): Promise<RunState> {
  const runId = `run_fuzz_${index}`;
  sim.scriptTools({
    turns: [
      { calls: [{ name: 'read_note', arguments: args }] },
      { calls: [{ name: 'read_note', arguments: VALID[0]! }] },
    ],
  });
  const recorder = new RunRecorder(store);
  await recorder.record({
    type: 'run.started',
    runId,
    at: new Date().toISOString(),
    task: 'fuzz',
    team: 'fuzz',
    pattern: 'fuzz',
    agents: ['coder'],
  });
  const workflow = oneStep(index % 2 === 0 ? readNote : readNoteJsonSchema, index % 3 === 0);
  return executeRun({ recorder, workflow, signal: new AbortController().signal });
}

describe('fuzzed tool-call arguments', () => {
  it(`${CASES} argument strings: no crash, each a completed call or a typed tool_args_invalid result, never the answer`, async () => {
    const random = seededRandom(20_260_801);
    const outcomes = { completed: 0, invalid: 0 };
    for (let index = 0; index < CASES; index++) {
      const args = fuzzedArguments(random);
      const state = await runCase(index, args);
      const context = `case ${index}: ${JSON.stringify(args.slice(0, 80))}`;
      expect(state.status, context).toBe('succeeded');
      const [first, reasked] = state.toolCalls;
      expect(first?.arguments, context).toBe(args);
      if (first?.status === 'completed') {
        outcomes.completed++;
      } else {
        outcomes.invalid++;
        expect(first?.error?.code, context).toBe('tool_args_invalid');
        expect(first?.result, context).toMatch(/^tool_args_invalid: Arguments of read_note /);
        expect(first?.result?.length, context).toBeLessThan(700);
      }
      // The re-ask with valid arguments succeeds either way.
      expect(reasked?.status, context).toBe('completed');
      expect(state.output, context).toMatch(/^Tool results used:\n/);
      expect(state.output, context).not.toContain('tool_args_invalid');
    }
    expect(unhandled).toEqual([]);
    // Both outcomes occur: the generator is not trivially all-valid or all-invalid.
    expect(outcomes.invalid).toBeGreaterThan(CASES / 2);
    expect(outcomes.completed).toBeGreaterThan(10);
    // The log of one case folds back to what the executor returned.
    const last = foldRun(await store.events(`run_fuzz_${CASES - 1}`));
    expect(last.status).toBe('succeeded');
  }, 180_000);
});
