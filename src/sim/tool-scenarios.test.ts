import OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionMessageParam,
  ChatCompletionMessageToolCall,
  ChatCompletionTool,
} from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSimulator, type SimStyle, scriptSimTools, startSimulator } from './simulator.js';

function toolsNamed(...names: string[]): ChatCompletionTool[] {
  return names.map((name) => ({
    type: 'function',
    function: { name, description: `The ${name} tool.`, parameters: { type: 'object' } },
  }));
}

const system = { role: 'system', content: 'You are the Researcher of a team.' } as const;

function task(text: string): ChatCompletionMessageParam[] {
  return [system, { role: 'user', content: `Task:\n${text}` }];
}

/** The assistant turn that made `calls`, and one tool message per call (error when `status` says so). */
function answered(
  calls: ChatCompletionMessageToolCall[],
  results: { status: 'ok' | 'error'; text: string }[],
): ChatCompletionMessageParam[] {
  return [
    { role: 'assistant', content: null, tool_calls: calls },
    ...calls.map((call, i) => {
      const { status, text } = results[i] ?? { status: 'ok', text: '' };
      const name = call.type === 'function' ? call.function.name : 'custom';
      const content = `<tool_result name="${name}" call="s#${i}" status="${status}">\n${text}\n</tool_result>`;
      return { role: 'tool' as const, tool_call_id: call.id, content };
    }),
  ];
}

function functionCalls(completion: OpenAI.ChatCompletion) {
  return (completion.choices[0]?.message.tool_calls ?? []).map((call) =>
    call.type === 'function'
      ? { id: call.id, name: call.function.name, arguments: call.function.arguments }
      : call,
  );
}

describe('simulator tool scenarios (non-streamed)', () => {
  let sim: RunningSimulator;
  let client: OpenAI;
  beforeAll(async () => {
    sim = await startSimulator();
    client = new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, logLevel: 'off' });
  });
  afterAll(() => sim.close());
  afterEach(() => sim.scriptTools(null));

  const ask = (
    messages: ChatCompletionMessageParam[],
    extra: Partial<OpenAI.ChatCompletionCreateParamsNonStreaming> = {},
  ) =>
    client.chat.completions.create({
      model: 'sim-model',
      messages,
      tools: toolsNamed('read_file', 'list_files'),
      ...extra,
    });

  it('calls every offered directive tool in parallel in the first turn, then answers with a summary of the results', async () => {
    const messages = task(
      'Summarise [[tool read_file {"path":"a.txt"}]] using [[tool list_files {}]] and [[tool http_get {"url":"x"}]]',
    );
    const first = await ask(messages);
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(first.choices[0]?.message.content).toBeNull();
    // http_get is not offered, so its directive is skipped.
    expect(functionCalls(first)).toEqual([
      { id: 'call_0_0', name: 'read_file', arguments: '{"path":"a.txt"}' },
      { id: 'call_0_1', name: 'list_files', arguments: '{}' },
    ]);
    // Arguments are generated text: they are the completion tokens of a tool-call turn.
    expect(first.usage?.completion_tokens).toBe(Math.ceil(16 / 4) + Math.ceil(2 / 4));

    const calls = first.choices[0]?.message.tool_calls ?? [];
    const results = [
      { status: 'ok' as const, text: `hello from a.txt\nsecond line` },
      { status: 'ok' as const, text: 'a.txt\nb.txt' },
    ];
    const second = await ask([...messages, ...answered(calls, results)]);
    const text = second.choices[0]?.message.content ?? '';
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.tool_calls).toBeUndefined();
    expect(text).toMatch(/^Tool results used:\n- read_file: hello from a\.txt\n- list_files: a\.txt\n\n/);
    // Then the role's usual answer (the researcher's notes).
    expect(text).toMatch(/Findings and considerations:|Research notes on/);
  });

  it('quotes at most 120 characters of a result and never the text of an error result', async () => {
    const messages = task('Read [[tool read_file {"path":"a"}]] and [[tool list_files {}]]');
    const first = await ask(messages);
    const calls = first.choices[0]?.message.tool_calls ?? [];
    const results = [
      { status: 'ok' as const, text: 'x'.repeat(300) },
      { status: 'error' as const, text: 'tool_failed: SECRET-ERROR-TEXT' },
    ];
    // The last tool message is an error: list_files is asked again with the same arguments.
    const reask = await ask([...messages, ...answered(calls, results)]);
    expect(functionCalls(reask)).toEqual([{ id: 'call_1_1', name: 'list_files', arguments: '{}' }]);
    // When the conversation ends on an ok result, the model answers.
    const conversation = [
      ...messages,
      ...answered(calls, results),
      ...answered(reask.choices[0]?.message.tool_calls ?? [], [{ status: 'ok', text: 'listing' }]),
    ];
    const text = (await ask(conversation)).choices[0]?.message.content ?? '';
    expect(text).toContain(`- read_file: ${'x'.repeat(120)}\n`);
    expect(text).toContain('- list_files failed\n- list_files: listing\n');
    expect(text).not.toContain('SECRET-ERROR-TEXT');
  });

  it('sends the first half of <truncated> arguments, re-asks with the whole arguments after an error, at most twice', async () => {
    const messages = task('Read [[tool read_file <truncated>{"path":"notes/a.txt"}]] please');
    const whole = '{"path":"notes/a.txt"}';
    const first = await ask(messages);
    expect(functionCalls(first)).toEqual([
      { id: 'call_0_0', name: 'read_file', arguments: whole.slice(0, whole.length / 2) },
    ]);
    const invalid = { status: 'error' as const, text: 'tool_args_invalid: not JSON' };
    let conversation = [...messages, ...answered(first.choices[0]?.message.tool_calls ?? [], [invalid])];
    for (const turn of [1, 2]) {
      const reask = await ask(conversation);
      expect(functionCalls(reask)).toEqual([{ id: `call_${turn}_0`, name: 'read_file', arguments: whole }]);
      conversation = [...conversation, ...answered(reask.choices[0]?.message.tool_calls ?? [], [invalid])];
    }
    const final = await ask(conversation);
    expect(final.choices[0]?.message.tool_calls).toBeUndefined();
    expect(final.choices[0]?.message.content).toMatch(/^Tool results used:\n(- read_file failed\n){3}\n/);
  });

  it('sends <empty> arguments as an empty string', async () => {
    const first = await ask(task('Go [[tool list_files <empty>{"dir":"."}]]'));
    expect(functionCalls(first)).toEqual([{ id: 'call_0_0', name: 'list_files', arguments: '' }]);
  });

  it('sends raw arguments exactly as written, invalid JSON included', async () => {
    const first = await ask(task('Go [[tool read_file {path: a.txt,,}]]'));
    expect(functionCalls(first)).toEqual([
      { id: 'call_0_0', name: 'read_file', arguments: '{path: a.txt,,}' },
    ]);
  });

  it('matches a directive to an offered MCP tool by its __ suffix', async () => {
    const first = await ask(task('Echo [[tool echo {"message":"hi"}]]'), {
      tools: toolsNamed('read_file', 'everything__echo'),
    });
    expect(functionCalls(first)).toEqual([
      { id: 'call_0_0', name: 'everything__echo', arguments: '{"message":"hi"}' },
    ]);
  });

  it('ignores directives when no tools are offered or tool_choice is none', async () => {
    const messages = task('Read [[tool read_file {"path":"a.txt"}]]');
    const plain = await client.chat.completions.create({ model: 'sim-model', messages });
    const none = await ask(messages, { tool_choice: 'none' });
    for (const completion of [plain, none]) {
      expect(completion.choices[0]?.finish_reason).toBe('stop');
      expect(completion.choices[0]?.message.tool_calls).toBeUndefined();
      expect(completion.choices[0]?.message.content).not.toMatch(/^Tool results used/);
    }
  });

  it('plays a script turn by turn, over directives, then answers in text', async () => {
    sim.scriptTools({
      turns: [
        {
          calls: [
            { name: 'read_file', arguments: { path: 'a.txt' } },
            { name: 'no_such_tool', arguments: '{' },
          ],
        },
        { calls: [{ name: 'list_files', arguments: '' }] },
      ],
    });
    const messages = task('Read [[tool list_files {}]]');
    const first = await ask(messages);
    expect(functionCalls(first)).toEqual([
      { id: 'call_0_0', name: 'read_file', arguments: '{"path":"a.txt"}' },
      // Unoffered names are sent as written: that is how tests get an unknown tool.
      { id: 'call_0_1', name: 'no_such_tool', arguments: '{' },
    ]);
    const ok = { status: 'ok' as const, text: 'done' };
    const afterFirst = [...messages, ...answered(first.choices[0]?.message.tool_calls ?? [], [ok, ok])];
    const second = await ask(afterFirst);
    expect(functionCalls(second)).toEqual([{ id: 'call_1_0', name: 'list_files', arguments: '' }]);
    const afterSecond = [...afterFirst, ...answered(second.choices[0]?.message.tool_calls ?? [], [ok])];
    const third = await ask(afterSecond);
    expect(third.choices[0]?.message.content).toMatch(
      /^Tool results used:\n- read_file: done\n- no_such_tool: done\n- list_files: done\n\n/,
    );
  });

  it('applies a script with a role only to agents in that role', async () => {
    sim.scriptTools({ role: 'coder', turns: [{ calls: [{ name: 'read_file', arguments: {} }] }] });
    const researcher = await ask(task('Look around'));
    expect(researcher.choices[0]?.message.tool_calls).toBeUndefined();
    const coder = await ask([
      { role: 'system', content: 'You are the Coder.' },
      { role: 'user', content: 'Fix it' },
    ]);
    expect(functionCalls(coder)).toEqual([{ id: 'call_0_0', name: 'read_file', arguments: '{}' }]);
  });

  it('refuses an invalid script in process with a usage error naming the field', () => {
    expect(() => sim.scriptTools({ turns: [{ calls: [] }] })).toThrow(/turns\.0\.calls/);
    expect(() => sim.scriptTools({ turns: [], role: 'pilot' as 'coder' })).toThrow(/role/);
  });
});

describe('simulator tool scenarios over HTTP and streamed', () => {
  let sim: RunningSimulator;
  afterEach(() => sim.close());

  it('sets, reads and clears a tool script through /sim/tool-script', async () => {
    sim = await startSimulator();
    const script = { turns: [{ calls: [{ name: 'read_file', arguments: { path: 'b' } }] }] };
    expect(await scriptSimTools(sim.url, script)).toEqual(script);
    const control = sim.url.replace(/\/v1$/, '/sim/tool-script');
    expect(await (await fetch(control)).json()).toEqual({ script });
    const body = { model: 'm', messages: task('Hi'), tools: toolsNamed('read_file') };
    const post = () =>
      fetch(`${sim.url}/chat/completions`, { method: 'POST', body: JSON.stringify(body) }).then(
        (res) => res.json() as Promise<OpenAI.ChatCompletion>,
      );
    expect(functionCalls(await post())).toEqual([
      { id: 'call_0_0', name: 'read_file', arguments: '{"path":"b"}' },
    ]);
    expect(await scriptSimTools(sim.url, null)).toBeNull();
    expect((await post()).choices[0]?.message.tool_calls).toBeUndefined();
    const bad = await fetch(control, { method: 'POST', body: JSON.stringify({ turns: 'x' }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/turns/);
    await expect(scriptSimTools(sim.url, { turns: [{ calls: [] }] })).rejects.toThrow(
      /POST \/sim\/tool-script/,
    );
  });

  it.each<SimStyle>(['openrouter', 'deepseek', 'openai'])(
    'streams tool calls as delta.tool_calls: a head with id and name, then arguments in pieces of 8 (%s)',
    async (style) => {
      sim = await startSimulator({ style });
      const client = new OpenAI({ baseURL: sim.url, apiKey: 'x', maxRetries: 0, logLevel: 'off' });
      const messages = task(
        'Do [[tool read_file {"path":"some/long/path.txt"}]] and [[tool list_files {"dir":"."}]]',
      );
      const tools = toolsNamed('read_file', 'list_files');
      const whole = await client.chat.completions.create({ model: 'sim-model', messages, tools });
      const stream = await client.chat.completions.create({
        model: 'sim-model',
        messages,
        tools,
        stream: true,
        stream_options: { include_usage: true },
      });
      const chunks: ChatCompletionChunk[] = [];
      for await (const chunk of stream) chunks.push(chunk);
      const deltas = chunks.flatMap((c) => c.choices[0]?.delta.tool_calls ?? []);
      const heads = deltas.filter((d) => d.id !== undefined);
      expect(heads).toEqual([
        { index: 0, id: 'call_0_0', type: 'function', function: { name: 'read_file', arguments: '' } },
        { index: 1, id: 'call_0_1', type: 'function', function: { name: 'list_files', arguments: '' } },
      ]);
      const pieces = deltas.filter((d) => d.id === undefined);
      expect(
        pieces.every((d) => (d.function?.arguments ?? '').length <= 8 && d.function?.name === undefined),
      ).toBe(true);
      const joined = [0, 1].map((index) =>
        pieces
          .filter((d) => d.index === index)
          .map((d) => d.function?.arguments)
          .join(''),
      );
      expect(joined).toEqual(functionCalls(whole).map((call) => ('arguments' in call ? call.arguments : '')));
      expect(chunks.map((c) => c.choices[0]?.finish_reason).filter(Boolean)).toEqual(['tool_calls']);
      expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('');
      const usage = chunks.find((c) => c.usage)?.usage;
      expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
    },
  );
});
