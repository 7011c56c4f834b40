import { isAgentMeshError } from '../../errors/index.js';
import type { DrivenRun } from '../../runtime/drive-run.js';
import { runResult } from '../../runtime/run-result.js';
import { OpenAiError } from './openai-error.js';

/** The usage of a whole run in OpenAI's terms. */
export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
}

/** What a finished run gives a chat completion: the final answer and the run's tokens. */
export interface RunAnswer {
  output: string;
  usage: CompletionUsage;
}

/**
 * The answer of a run once this process stopped executing it.
 * @throws OpenAiError 502 when the run failed, was cancelled, or waits for a human decision: never text
 * in the answer.
 */
export function runAnswer(runId: string, outcome: DrivenRun | { error: unknown }): RunAnswer {
  if ('error' in outcome) {
    const { error } = outcome;
    const why = isAgentMeshError(error) ? error.message : 'it stopped on an internal error';
    throw OpenAiError.runFailed(
      `Run ${runId} failed: ${why}`,
      isAgentMeshError(error) ? error.code : 'run_failed',
    );
  }
  const result = runResult(outcome.state, outcome.artifactsDir);
  if (result.status === 'awaiting_approval') {
    throw OpenAiError.runFailed(
      `Run ${runId} waits for a human decision; approve it with POST /api/runs/${runId}/approve, then read its answer from GET /api/runs/${runId}.`,
      'run_awaiting_approval',
    );
  }
  if (result.status !== 'succeeded') {
    const why = result.error?.message ?? `it ended ${result.status}`;
    throw OpenAiError.runFailed(
      `Run ${runId} ${result.status === 'cancelled' ? 'was cancelled' : 'failed'}: ${why}`,
      result.error?.code ?? `run_${result.status}`,
    );
  }
  const { promptTokens, completionTokens, cachedTokens } = result.usage;
  return {
    output: result.output,
    usage: {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
      prompt_tokens_details: { cached_tokens: cachedTokens },
    },
  };
}
