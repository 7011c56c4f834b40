import { describe, expect, it } from 'vitest';
import { applyRunEvent, type RunEvent, type RunState, type StoredRunEvent } from '../../core/index.js';
import { RunSpans } from './run-spans.js';
import type { SpanRecord } from './span-record.js';
import { spanIdOf, traceIdOf } from './trace-ids.js';

const runId = 'run_trace_test';
const T0 = Date.parse('2026-03-01T10:00:00.000Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString();
const usage = {
  promptTokens: 120,
  completionTokens: 30,
  cachedTokens: 20,
  reasoningTokens: 5,
  costUsd: 0.002,
};

/** A process's view of a run: events stored with their seq, folded, and told to its own RunSpans. */
function process(log: { events: StoredRunEvent[]; state: RunState | undefined }) {
  const spans = new RunSpans();
  const finished: SpanRecord[] = [];
  return {
    finished,
    spans,
    record(...events: RunEvent[]) {
      for (const event of events) {
        const stored = { ...event, seq: log.events.length + 1 } as StoredRunEvent;
        log.events.push(stored);
        log.state = applyRunEvent(log.state, stored);
        finished.push(...spans.onEvent(stored, log.state));
      }
    },
  };
}

const byName = (spans: SpanRecord[], name: string) => spans.filter((span) => span.name === name);
const only = (spans: SpanRecord[], name: string) => {
  const found = byName(spans, name);
  expect(found, name).toHaveLength(1);
  return found[0]!;
};

const started: RunEvent = {
  type: 'run.started',
  runId,
  at: at(0),
  task: 'the task text',
  team: 'gated',
  pattern: 'pipeline',
  agents: ['planner', 'coder'],
};

describe('RunSpans', () => {
  it('builds run → step → chat spans with ids derived from the run, times from the events, and GenAI attributes', () => {
    const a = process({ events: [], state: undefined });
    a.record(
      started,
      { type: 'step.started', runId, at: at(1), stepId: '000-planner', agentId: 'planner', round: 0 },
      {
        type: 'llm.failed',
        runId,
        at: at(2),
        stepId: '000-planner',
        agentId: 'planner',
        provider: 'openrouter',
        model: 'deepseek/deepseek-chat',
        attempt: 1,
        latencyMs: 400,
        status: 500,
        error: { code: 'llm_http', message: 'HTTP 500 with sk-secret', retryable: true, context: {} },
      },
      {
        type: 'llm.completed',
        runId,
        at: at(3),
        stepId: '000-planner',
        agentId: 'planner',
        provider: 'openrouter',
        model: 'deepseek/deepseek-chat',
        attempt: 2,
        latencyMs: 750,
        usage,
        finishReason: 'stop',
        requestId: 'gen-1',
      },
      {
        type: 'message.added',
        runId,
        at: at(3),
        stepId: '000-planner',
        agentId: 'planner',
        content: 'PLAN',
        model: 'm',
      },
      { type: 'step.completed', runId, at: at(4), stepId: '000-planner', agentId: 'planner' },
      {
        type: 'run.finished',
        runId,
        at: at(5),
        status: 'succeeded',
        stopReason: 'completed',
        output: 'PLAN',
      },
    );
    const spans = a.finished;
    const traceId = traceIdOf(runId);
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceId]));

    const run = only(spans, 'run gated');
    expect(run).toMatchObject({
      spanId: spanIdOf(runId, 'run'),
      parentSpanId: null,
      startMs: T0,
      endMs: T0 + 5000,
    });
    expect(run.attributes).toMatchObject({
      'agentmesh.run_id': runId,
      'agentmesh.team': 'gated',
      'agentmesh.run.status': 'succeeded',
      'agentmesh.stop_reason': 'completed',
      'agentmesh.cost_usd': 0.002,
      'agentmesh.llm_calls': 2,
    });

    const step = only(spans, 'step planner');
    expect(step).toMatchObject({
      spanId: spanIdOf(runId, 'step/000-planner/1'),
      parentSpanId: run.spanId,
      startMs: T0 + 1000,
      endMs: T0 + 4000,
      status: { code: 'unset' },
    });
    expect(step.attributes).toMatchObject({
      'agentmesh.agent': 'planner',
      'agentmesh.attempt': 1,
      'agentmesh.cost_usd': 0.002,
    });

    const [failed, completed] = byName(spans, 'chat deepseek/deepseek-chat');
    expect(failed).toMatchObject({
      kind: 'client',
      parentSpanId: step.spanId,
      startMs: T0 + 2000 - 400,
      endMs: T0 + 2000,
      status: { code: 'error', message: 'llm_http' },
    });
    expect(failed!.attributes).toMatchObject({ 'error.type': 'llm_http', 'http.response.status_code': 500 });
    expect(completed).toMatchObject({
      parentSpanId: step.spanId,
      startMs: T0 + 3000 - 750,
      endMs: T0 + 3000,
    });
    expect(completed!.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openrouter',
      'gen_ai.system': 'openrouter',
      'gen_ai.request.model': 'deepseek/deepseek-chat',
      'gen_ai.response.model': 'deepseek/deepseek-chat',
      'gen_ai.response.id': 'gen-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'gen_ai.usage.input_tokens': 120,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.cache_read.input_tokens': 20,
      'gen_ai.usage.reasoning.output_tokens': 5,
      'gen_ai.agent.name': 'planner',
      'agentmesh.cost_usd': 0.002,
      'agentmesh.cache_hit': false,
      'agentmesh.attempt': 2,
      'agentmesh.run_id': runId,
      'agentmesh.step_id': '000-planner',
      'agentmesh.agent': 'planner',
      'agentmesh.team': 'gated',
    });
    // Neither the task, the message, nor the error's text is in any span.
    const text = JSON.stringify(spans);
    for (const secret of ['the task text', 'PLAN', 'sk-secret', 'HTTP 500 with'])
      expect(text).not.toContain(secret);
  });

  it('continues the same trace in another process: approval wait, run.resume, the step re-run as attempt 2, tool call', () => {
    const log = { events: [] as StoredRunEvent[], state: undefined as RunState | undefined };
    const first = process(log);
    first.record(
      started,
      { type: 'step.started', runId, at: at(1), stepId: '001-coder', agentId: 'coder', round: 0 },
      {
        type: 'tool.called',
        runId,
        at: at(2),
        stepId: '001-coder',
        agentId: 'coder',
        callId: '001-coder#0',
        index: 0,
        turn: 0,
        toolCallId: 'call_abc',
        tool: 'write_file',
        arguments: '{"path":"secret-plan.txt"}',
        source: 'builtin',
        sideEffects: true,
      },
      {
        type: 'approval.requested',
        runId,
        at: at(2),
        approvalId: 'apr_1',
        stepId: '001-coder',
        agentId: 'coder',
        callId: '001-coder#0',
      },
      { type: 'run.paused', runId, at: at(3), reason: 'awaiting_approval' },
    );
    expect(only(first.finished, 'run gated')).toMatchObject({ endMs: T0 + 3000 });
    expect(only(first.finished, 'run gated').attributes['agentmesh.run.status']).toBe('awaiting_approval');
    // The step held for the tool call's approval ends at the pause.
    const paused = only(first.finished, 'step coder');
    expect(paused).toMatchObject({ spanId: spanIdOf(runId, 'step/001-coder/1'), endMs: T0 + 3000 });
    expect(paused.attributes['agentmesh.outcome']).toBe('paused');

    // Another process: `agentmesh approve` decides, then resumes the run.
    const second = process(log);
    second.record(
      {
        type: 'approval.decided',
        runId,
        at: at(60),
        approvalId: 'apr_1',
        stepId: '001-coder',
        agentId: 'coder',
        decision: 'approved',
        decidedBy: 'cli:alice',
      },
      { type: 'run.resumed', runId, at: at(61), from: 'awaiting_approval', by: 'host:1:n' },
      { type: 'step.started', runId, at: at(62), stepId: '001-coder', agentId: 'coder', round: 0 },
      {
        type: 'tool.completed',
        runId,
        at: at(64),
        stepId: '001-coder',
        agentId: 'coder',
        callId: '001-coder#0',
        tool: 'write_file',
        result: 'wrote 5 bytes',
        durationMs: 1500,
        bytes: 13,
      },
      { type: 'step.completed', runId, at: at(65), stepId: '001-coder', agentId: 'coder' },
      {
        type: 'run.finished',
        runId,
        at: at(66),
        status: 'succeeded',
        stopReason: 'completed',
        output: 'done',
      },
    );
    const spans = second.finished;
    expect(new Set(spans.map((span) => span.traceId))).toEqual(new Set([traceIdOf(runId)]));
    expect(byName(spans, 'run gated')).toEqual([]);
    const approval = only(spans, 'approval');
    expect(approval).toMatchObject({ parentSpanId: paused.spanId, startMs: T0 + 2000, endMs: T0 + 60_000 });
    expect(approval.attributes).toMatchObject({
      'agentmesh.approval.decision': 'approved',
      'agentmesh.approval.decided_by': 'cli:alice',
      'agentmesh.tool.call_key': '001-coder#0',
    });
    const resume = only(spans, 'run.resume');
    expect(resume).toMatchObject({
      parentSpanId: spanIdOf(runId, 'run'),
      startMs: T0 + 61_000,
      endMs: T0 + 66_000,
    });
    const step = only(spans, 'step coder');
    expect(step).toMatchObject({ spanId: spanIdOf(runId, 'step/001-coder/2'), parentSpanId: resume.spanId });
    expect(step.attributes['agentmesh.attempt']).toBe(2);
    const tool = only(spans, 'execute_tool write_file');
    expect(tool).toMatchObject({ parentSpanId: step.spanId, startMs: T0 + 62_500, endMs: T0 + 64_000 });
    expect(tool.attributes).toMatchObject({
      'gen_ai.tool.name': 'write_file',
      'gen_ai.tool.call.id': 'call_abc',
      'agentmesh.tool.call_key': '001-coder#0',
      'agentmesh.tool.side_effects': true,
      'agentmesh.tool.result_bytes': 13,
    });
    expect(JSON.stringify(spans)).not.toContain('secret-plan');
  });

  it('marks a failed step and a failed run as errors with the error code', () => {
    const a = process({ events: [], state: undefined });
    const error = { code: 'step_timeout' as const, message: 'too slow', retryable: true, context: {} };
    a.record(
      started,
      { type: 'step.started', runId, at: at(1), stepId: '000-planner', agentId: 'planner', round: 0 },
      { type: 'step.failed', runId, at: at(2), stepId: '000-planner', agentId: 'planner', error },
      {
        type: 'run.finished',
        runId,
        at: at(3),
        status: 'failed',
        stopReason: 'agent_error:planner',
        output: '',
        error,
      },
    );
    expect(only(a.finished, 'step planner').status).toEqual({ code: 'error', message: 'step_timeout' });
    expect(only(a.finished, 'run gated').status).toEqual({ code: 'error', message: 'step_timeout' });
  });

  it('closeAll ends what a stopping process still has open, marked interrupted', () => {
    const a = process({ events: [], state: undefined });
    a.record(started, {
      type: 'step.started',
      runId,
      at: at(1),
      stepId: '000-planner',
      agentId: 'planner',
      round: 0,
    });
    expect(a.finished).toEqual([]);
    const closed = a.spans.closeAll(T0 + 9000);
    expect(closed.map((span) => [span.name, span.endMs, span.attributes['agentmesh.interrupted']])).toEqual([
      ['step planner', T0 + 9000, true],
      ['run gated', T0 + 9000, true],
    ]);
    expect(a.spans.closeAll(T0 + 10_000)).toEqual([]);
  });
});

describe('trace ids', () => {
  it('are the first 32 (trace) and 16 (span) hex characters of sha256 of the run id (and span key)', () => {
    // sha256("run_1") = 37ddff8e…, sha256("run_1/run") = 44186f4f…
    expect(traceIdOf('run_1')).toBe('37ddff8ee13f1e57937fd048fa323f5e');
    expect(spanIdOf('run_1', 'run')).toBe('44186f4f17e0abe4');
    expect(traceIdOf('run_2')).not.toBe(traceIdOf('run_1'));
    expect(spanIdOf('run_1', 'step/a/1')).not.toBe(spanIdOf('run_1', 'run'));
  });
});
