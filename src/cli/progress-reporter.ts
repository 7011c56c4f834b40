import type { Writable } from 'node:stream';
import type { RunState, StoredRunEvent } from '../core/index.js';
import {
  approvalSubject,
  approvedCall,
  byteSize,
  duration,
  shortArguments,
} from '../runtime/tool-call-text.js';
import type { RunEventListener } from '../workflow/run-recorder.js';

/** Options for {@link progressReporter}. */
export interface ProgressOptions {
  stream: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  now?: () => number;
}

/**
 * Live progress on stderr: which agent works, its tool calls (`coder → read_file {"path":"a.txt"}`, then
 * `coder ← read_file ok · 3 ms · 118 B`), retries and fallbacks, tokens and cost so far, elapsed time.
 * Plain lines in every case (they read well in CI logs too); colour only on a TTY without NO_COLOR.
 */
export function progressReporter({ stream, env, now = Date.now }: ProgressOptions): RunEventListener {
  const colour = Boolean(stream.isTTY) && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const paint = (code: number, text: string) => (colour ? `\u001b[${code}m${text}\u001b[0m` : text);
  const started = now();
  const line = (text: string) =>
    stream.write(`${paint(2, `[${((now() - started) / 1000).toFixed(1)}s]`)} ${text}\n`);
  const totals = (state: RunState) =>
    `${state.usage.promptTokens + state.usage.completionTokens} tok, $${state.usage.costUsd.toFixed(6)}`;

  return (event: StoredRunEvent, state: RunState) => {
    switch (event.type) {
      case 'run.started':
        line(`run ${event.runId}: team ${event.team} (${event.pattern}: ${event.agents.join(' → ')})`);
        break;
      case 'step.started':
        if (state.pattern === 'code' && event.agentId === 'runner') {
          line(`${paint(36, 'runner')} · iteration ${event.round} · running the tests in the sandbox…`);
        } else {
          const label = state.pattern === 'code' ? 'iteration' : 'round';
          line(
            `${paint(36, event.agentId)} is working${event.round > 1 ? ` (${label} ${event.round})` : ''}…`,
          );
        }
        break;
      case 'tests.ran': {
        const { passed, failed, errors } = event.counts;
        const outcome =
          event.notRun !== undefined
            ? paint(33, `not run: ${event.notRun}`)
            : paint(
                event.passed ? 32 : 31,
                `${passed} passed, ${failed} failed${errors > 0 ? `, ${errors} errors` : ''}`,
              );
        const isolation =
          event.isolation === 'bubblewrap'
            ? event.isolation
            : paint(33, `${event.isolation}: weaker isolation`);
        line(
          `${paint(36, 'runner')} · iteration ${event.iteration} · ${outcome} (${isolation}, ${(event.durationMs / 1000).toFixed(1)}s)`,
        );
        break;
      }
      case 'llm.failed':
        line(
          paint(
            33,
            `${event.agentId}: attempt ${event.attempt} on ${event.provider}:${event.model} failed: ${event.error.message}`,
          ),
        );
        break;
      case 'llm.completed':
        if (event.cached) {
          line(
            `${paint(32, event.agentId)} answered from the response cache (${event.provider}:${event.model}, saved $${(event.savedUsd ?? 0).toFixed(6)}) · total ${totals(state)}`,
          );
          break;
        }
        line(
          `${paint(32, event.agentId)} answered via ${event.provider}:${event.model} in ${(event.latencyMs / 1000).toFixed(1)}s ` +
            `(${event.usage.promptTokens}+${event.usage.completionTokens} tok, ${event.usage.cachedTokens} cached) · total ${totals(state)}`,
        );
        break;
      case 'breaker.changed':
        line(paint(33, `circuit ${event.provider}:${event.model} is now ${event.state.replace('_', '-')}`));
        break;
      case 'step.failed':
        line(
          paint(
            event.willRetry ? 33 : 31,
            `${event.agentId} failed: ${event.error.message}${event.willRetry ? ' (running the step again)' : ''}`,
          ),
        );
        break;
      case 'tool.called':
        line(`${paint(36, event.agentId)} → ${event.tool} ${shortArguments(event.arguments, 60)}`);
        break;
      case 'tool.completed':
        line(
          `${paint(36, event.agentId)} ← ${event.tool} ${paint(32, 'ok')} · ${duration(event.durationMs)} · ${byteSize(event.bytes)}`,
        );
        break;
      case 'tool.failed':
        line(
          `${paint(36, event.agentId)} ← ${event.tool} ${paint(33, `error ${event.error.code}`)} · ${duration(event.durationMs)}`,
        );
        break;
      case 'approval.requested': {
        const approval = state.approvals.find((candidate) => candidate.approvalId === event.approvalId);
        const subject = approval
          ? approvalSubject(state, approval)
          : `${event.agentId}'s output (step ${event.stepId})`;
        line(paint(35, `${subject} waits for a human decision`));
        break;
      }
      case 'approval.decided': {
        const approval = state.approvals.find((candidate) => candidate.approvalId === event.approvalId);
        const call = approval && approvedCall(state, approval);
        const subject = call ? `call of ${call.tool}` : 'output';
        line(
          paint(
            event.decision === 'approved' ? 32 : 33,
            `${event.agentId}'s ${subject} ${event.decision}${event.comment ? `: ${event.comment}` : ''}`,
          ),
        );
        break;
      }
      case 'run.paused':
        line(paint(35, `run ${event.runId} paused: awaiting approval`));
        break;
      case 'run.resumed':
        line(
          `run ${event.runId} resumed (was ${event.from}); ${state.steps.filter((s) => s.status === 'completed').length} completed steps read back from the log`,
        );
        break;
      case 'speaker.selected':
        line(`${paint(36, event.agentId)} picked ${paint(36, event.speaker)} to speak next`);
        break;
      case 'selection.failed':
        line(
          paint(
            33,
            `${event.agentId} picked "${event.answer}", not a speaker; ${event.fallback} speaks instead`,
          ),
        );
        break;
      case 'loop.detected':
        line(
          paint(
            33,
            `${event.agentId} is repeating itself (similarity ${event.similarity.toFixed(2)}); ${event.action === 'stop' ? 'stopping the run' : 'steering it'}`,
          ),
        );
        break;
      case 'run.finished': {
        const last = state.testRuns.at(-1);
        const tests =
          state.pattern === 'code'
            ? ` · tests ${last?.passed ? 'passed' : 'not passing'} after ${state.testRuns.length} run(s)`
            : '';
        line(
          `${paint(event.status === 'succeeded' ? 32 : 31, `run ${event.status}`)} (${event.stopReason})${tests} · ${state.calls} calls · ${totals(state)}`,
        );
        break;
      }
      default:
        break;
    }
  };
}
