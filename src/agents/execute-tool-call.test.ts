import { describe, expect, it } from 'vitest';
import { AgentMeshError } from '../errors/index.js';
import type { ToolContext, ToolDefinition } from '../tools/tool.js';
import { executeToolCall } from './execute-tool-call.js';

const context = {
  runId: 'run_1',
  stepId: 's1',
  agentId: 'coder',
  idempotencyKey: 'run_1/s1#0',
  workspace: '/tmp',
};

function tool(execute: ToolDefinition['execute']): ToolDefinition {
  return { name: 'probe', description: 'A test tool.', parameters: { type: 'object' }, execute };
}

const run = (
  execute: ToolDefinition['execute'],
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
) =>
  executeToolCall({
    tool: tool(execute),
    args: { x: 1 },
    context,
    timeoutMs: options.timeoutMs ?? 5_000,
    signal: options.signal ?? new AbortController().signal,
  });

describe('executeToolCall', () => {
  it('passes the arguments and the idempotency key, and returns the text', async () => {
    let seen: { args: unknown; context: ToolContext } | undefined;
    const outcome = await run(async (args, toolContext) => {
      seen = { args, context: toolContext };
      return 'ok';
    });
    expect(outcome).toMatchObject({ status: 'completed', result: 'ok' });
    expect(seen?.args).toEqual({ x: 1 });
    expect(seen?.context).toMatchObject({ idempotencyKey: 'run_1/s1#0', workspace: '/tmp' });
    expect(seen?.context.signal.aborted).toBe(false);
  });

  it('takes { content } as the result and { isError: true } as a tool_failed error result', async () => {
    expect(await run(async () => ({ content: 'fine' }))).toMatchObject({
      status: 'completed',
      result: 'fine',
    });
    const outcome = await run(async () => ({ content: 'no such issue\n#42', isError: true }));
    expect(outcome).toMatchObject({
      status: 'failed',
      result: 'tool_failed: probe reported an error: no such issue #42',
    });
  });

  it('turns a throw of an Error, of a string, of a prototype-less object, or a sync throw into tool_failed', async () => {
    const results = await Promise.all([
      run(async () => {
        throw new Error('disk\nfull');
      }),
      run(async () => {
        throw 'just a string';
      }),
      run(async () => {
        throw Object.create(null);
      }),
      run(() => {
        throw new TypeError('sync');
      }),
    ]);
    expect(results.map((outcome) => outcome.result)).toEqual([
      'tool_failed: probe failed: disk full',
      'tool_failed: probe failed: threw string just a string',
      'tool_failed: probe failed: threw an object',
      'tool_failed: probe failed: sync',
    ]);
  });

  it('keeps the code of a refusal the tool throws itself', async () => {
    const outcome = await run(async () => {
      throw new AgentMeshError({ code: 'tool_refused', message: 'Path ../x is outside the workspace.' });
    });
    expect(outcome).toMatchObject({
      status: 'failed',
      result: 'tool_refused: Path ../x is outside the workspace.',
    });
  });

  it('calls output that is not text a bug in the tool', async () => {
    const outcome = await run(async () => 42 as unknown as string);
    expect(outcome.result).toBe(
      'tool_failed: probe returned number 42 instead of text or { content }; this is a bug in the tool.',
    );
  });

  it('stops a tool that hangs past its timeout, even one that ignores its signal', async () => {
    let aborted = false;
    const outcome = await run(
      (_args, toolContext) =>
        new Promise<string>(() => {
          toolContext.signal.addEventListener('abort', () => {
            aborted = true;
          });
        }),
      { timeoutMs: 20 },
    );
    expect(outcome).toMatchObject({ status: 'failed' });
    expect(outcome.result).toBe(
      "tool_timeout: probe took longer than its 20 ms timeout and was stopped (raise tools.timeoutMs or the tool's timeoutMs).",
    );
    expect(aborted).toBe(true);
  });

  it('throws cancelled, recording nothing, when the step is cancelled mid-call', async () => {
    const controller = new AbortController();
    const pending = run(() => new Promise<string>(() => undefined), { signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'cancelled' });
  });
});
