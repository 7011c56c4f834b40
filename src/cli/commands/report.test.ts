import { describe, expect, it } from 'vitest';
import type { LlmCallRecord } from '../../store/run-store.js';
import { dailyReportMarkdown } from './report.js';

const base: LlmCallRecord = {
  runId: 'run_1',
  stepId: 's',
  agentId: 'a|b',
  provider: 'custom',
  model: 'm',
  attempt: 1,
  outcome: 'ok',
  promptTokens: 1,
  completionTokens: 1,
  cachedTokens: 0,
  reasoningTokens: 0,
  costUsd: 0,
  costKnown: false,
  cached: false,
  savedUsd: 0,
  latencyMs: 5,
  status: null,
  errorCode: null,
  errorMessage: null,
  requestId: null,
  at: '2026-03-01T10:00:00.000Z',
};

describe('dailyReportMarkdown', () => {
  it('says so when the day had no calls', () => {
    expect(dailyReportMarkdown('2026-03-01', [])).toBe(
      '# AgentMesh daily report: 2026-03-01 (UTC)\n\nNo LLM calls on this day.\n',
    );
  });

  it('never shows an unknown cost as free, and escapes table cells', () => {
    const markdown = dailyReportMarkdown('2026-03-01', [base, { ...base, costKnown: true, costUsd: 0.5 }]);
    expect(markdown).toContain('| Cost | $0.500000 (unknown for 1 call) |');
    expect(markdown).toContain('| a\\|b | 2 |');
    expect(markdown).toContain('No errors.');
  });
});
