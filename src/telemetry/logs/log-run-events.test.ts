import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../core/index.js';
import { MemoryRunStore } from '../../store/memory/memory-run-store.js';
import { sampleRunLog } from '../../store/sample-run-log.js';
import { RunRecorder } from '../../workflow/run-recorder.js';
import { traceIdOf } from '../tracing/run-tracer.js';
import { logRunEvents } from './log-run-events.js';
import { createLoggers, LOG_CATEGORIES, type LogCategory } from './loggers.js';

type Line = Record<string, unknown>;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'agentmesh-run-logs-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Records `events` through a real recorder with the log listener attached, then reads every category back. */
async function logged(events: RunEvent[], secrets: string[] = []): Promise<Record<LogCategory, Line[]>> {
  const loggers = createLoggers({ logs: { dir, level: 'info', maxSizeBytes: 1e6, maxFiles: 1 }, secrets });
  const recorder = new RunRecorder(new MemoryRunStore(), [logRunEvents(loggers)]);
  for (const event of events) await recorder.record(event);
  await loggers.close();
  const read = (category: LogCategory): Line[] => {
    const path = join(dir, `${category}.log`);
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Line);
  };
  return Object.fromEntries(LOG_CATEGORIES.map((category) => [category, read(category)])) as Record<
    LogCategory,
    Line[]
  >;
}

const at = (second: number) => new Date(Date.parse('2026-01-01T00:00:00.000Z') + second * 1000).toISOString();

describe('logRunEvents', () => {
  it('logs a run to its categories, every line with run id and trace id, step lines with step and agent', async () => {
    const runId = 'run_logs_1';
    const logs = await logged(sampleRunLog({ runId, outcome: 'failed' }));
    const traceId = traceIdOf(runId);
    for (const category of LOG_CATEGORIES) {
      // The sample run asks for no approval: nothing to audit.
      if (category !== 'audit') expect(logs[category].length, category).toBeGreaterThan(0);
      for (const line of logs[category]) expect(line).toMatchObject({ runId, traceId, category });
    }
    expect(logs.system.map((line) => line.event)).toEqual(['run.started', 'run.finished']);
    expect(logs.system[1]).toMatchObject({
      level: 'error',
      status: 'failed',
      stopReason: 'agent_error:coder',
    });
    expect(logs.agent.map((line) => line.event)).toEqual([
      'step.started',
      'message.added',
      'step.completed',
      'step.started',
      'step.failed',
    ]);
    for (const line of logs.agent) expect(line).toHaveProperty('stepId');
    expect(logs.agent[0]).toMatchObject({ stepId: '000-planner', agentId: 'planner' });

    expect(logs.llm.map((line) => [line.event, line.level])).toEqual([
      ['llm.failed', 'warn'],
      ['llm.completed', 'info'],
      ['llm.completed', 'info'],
    ]);
    expect(logs.llm[1]).toMatchObject({
      stepId: '000-planner',
      agentId: 'planner',
      provider: 'openrouter',
      model: 'deepseek/deepseek-chat',
      promptTokens: 120,
      completionTokens: 80,
      cachedTokens: 64,
      costUsd: 0.1,
      latencyMs: 1234.5,
      cached: false,
      finishReason: 'stop',
    });
    expect(logs.llm[0]).toMatchObject({ status: 500, error: { code: 'llm_http' } });

    // Failures also go to the error log: the failed attempt, the failed step, the failed run.
    expect(logs.error.map((line) => line.event)).toEqual(['llm.failed', 'step.failed', 'run.finished']);
    expect(logs.error.every((line) => line.level === 'error')).toBe(true);
  });

  it('measures step durations, LLM latencies and the run duration in the performance log', async () => {
    const logs = await logged(sampleRunLog({ runId: 'run_perf' }));
    const perf = logs.performance.map((line) => [
      line.kind,
      line.stepId ?? null,
      line.durationMs ?? line.latencyMs,
    ]);
    // sampleRunLog puts events one second apart: planner's step 1→5 s, coder's 6→9 s, the run 0→10 s.
    expect(perf).toEqual([
      ['llm', '000-planner', 812],
      ['llm', '000-planner', 1234.5],
      ['step', '000-planner', 4000],
      ['llm', '001-coder', 2048],
      ['step', '001-coder', 3000],
      ['run', null, 10000],
    ]);
  });

  it('sends approvals to the audit log, tool calls to the agent log, an opened breaker also to errors', async () => {
    const runId = 'run_tools';
    const step = { runId, stepId: '000-coder', agentId: 'coder' };
    const call = { ...step, callId: '000-coder#0', tool: 'write_file' };
    const events: RunEvent[] = [
      {
        type: 'run.started',
        runId,
        at: at(0),
        task: 't',
        team: 'solo',
        pattern: 'pipeline',
        agents: ['coder'],
      },
      { type: 'step.started', ...step, at: at(1), round: 0 },
      { type: 'breaker.changed', ...step, at: at(2), provider: 'p', model: 'm', state: 'open' },
      { type: 'breaker.changed', ...step, at: at(3), provider: 'p', model: 'm', state: 'half_open' },
      {
        type: 'tool.called',
        ...call,
        at: at(4),
        index: 0,
        turn: 0,
        toolCallId: 'call_0_0',
        arguments: '{"path":"a.txt"}',
        source: 'builtin',
        sideEffects: true,
      },
      { type: 'approval.requested', ...step, at: at(5), approvalId: 'ap_1', callId: call.callId },
      { type: 'run.paused', runId, at: at(6), reason: 'awaiting_approval' },
      {
        type: 'approval.decided',
        ...step,
        at: at(7),
        approvalId: 'ap_1',
        decision: 'approved',
        decidedBy: 'cli',
      },
      { type: 'run.resumed', runId, at: at(8), from: 'awaiting_approval', by: 'host:1:x' },
      { type: 'tool.completed', ...call, at: at(9), result: 'ok', durationMs: 12, bytes: 2 },
    ];
    const logs = await logged(events);
    expect(logs.audit.map((line) => [line.event, line.approvalId, line.decision ?? null])).toEqual([
      ['approval.requested', 'ap_1', null],
      ['approval.decided', 'ap_1', 'approved'],
    ]);
    expect(logs.audit[1]).toMatchObject({ stepId: '000-coder', agentId: 'coder', decidedBy: 'cli' });
    expect(logs.agent.map((line) => line.event)).toEqual(['step.started', 'tool.called', 'tool.completed']);
    expect(logs.agent[1]).toMatchObject({ tool: 'write_file', callId: '000-coder#0', sideEffects: true });
    expect(logs.system.map((line) => [line.event, line.state ?? null])).toEqual([
      ['run.started', null],
      ['breaker.changed', 'open'],
      ['breaker.changed', 'half_open'],
      ['run.paused', null],
      ['run.resumed', null],
    ]);
    expect(logs.error.map((line) => [line.event, line.state])).toEqual([['breaker.changed', 'open']]);
    expect(logs.performance).toEqual([
      expect.objectContaining({ kind: 'tool', tool: 'write_file', durationMs: 12 }),
    ]);
  });

  it('redacts secrets that reach a line through event data (task, error messages, tool arguments)', async () => {
    const key = 'sk-or-v1-logtest-0123456789';
    const runId = 'run_secret';
    const step = { runId, stepId: '000-a', agentId: 'a' };
    const logs = await logged(
      [
        {
          type: 'run.started',
          runId,
          at: at(0),
          task: `use ${key}`,
          team: 't',
          pattern: 'pipeline',
          agents: ['a'],
        },
        { type: 'step.started', ...step, at: at(1), round: 0 },
        {
          type: 'llm.failed',
          ...step,
          at: at(2),
          provider: 'p',
          model: 'm',
          attempt: 1,
          latencyMs: 3,
          status: 401,
          error: { code: 'llm_http', message: `bad key ${key}`, retryable: false, context: { apiKey: key } },
        },
      ],
      [key],
    );
    const all = JSON.stringify(logs);
    expect(all).not.toContain(key);
    expect(logs.system[0]).toMatchObject({ task: 'use ***' });
    expect(logs.error[0]).toMatchObject({ error: { message: 'bad key ***', context: { apiKey: '***' } } });
  });
});
