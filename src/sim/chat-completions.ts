import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseChatRequest } from './chat-request.js';
import { type CompletionMeta, completionBody, newCompletionId } from './completion-wire.js';
import { composeAnswer } from './compose-answer.js';
import { injectedErrorBody, openAiErrorBody, rateLimitResponse } from './error-bodies.js';
import { decideFault, type ForcedFault } from './fault-plan.js';
import { readBody, sendJson } from './http-io.js';
import { sendCompletionJson } from './json-response.js';
import type { PrefixCache } from './prefix-cache.js';
import { isSimFault, SIM_FAULTS, type SimFault } from './sim-fault.js';
import { requestBodyHash, type SimRequestLog, type SimRequestRecord } from './sim-request-log.js';
import { buildUsage, type SimTokenCounts, simCostUsd } from './sim-usage.js';
import type { ResolvedSimulatorOptions } from './simulator-options.js';
import { planStream } from './stream-plan.js';
import { type StreamFault, sendStream } from './stream-response.js';
import type { SimToolScript } from './tool-script.js';

/** The mutable state one simulator shares across its requests. */
export interface SimulatorState {
  /** Replaced as a whole by a run-time change; a request keeps the options it arrived under. */
  options: ResolvedSimulatorOptions;
  cache: PrefixCache;
  stats: { requests: number; failures: number };
  log: SimRequestLog;
  /** Epoch ms, for the request log. */
  now: () => number;
  /** Tool calls scripted by a test (`scriptTools`, `POST /sim/tool-script`); a request keeps the one it arrived under. */
  toolScript: SimToolScript | undefined;
}

/** Handles `POST /v1/chat/completions`: validate, maybe inject a fault, answer (streamed or not). */
export async function handleChatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  state: SimulatorState,
): Promise<void> {
  // Numbered on arrival, so fault draws follow the order requests came in.
  const index = state.stats.requests++;
  const record = state.log.open(index + 1, state.now());
  const controller = new AbortController();
  res.once('finish', () => state.log.settle(record, state.now()));
  res.once('close', () => {
    controller.abort();
    settleRecord(record, res);
    state.log.settle(record, null);
  });
  const forced = readForcedFault(req.headers['x-sim-fault']);
  const raw = await readBody(req);
  if (forced === 'invalid') {
    const allowed = [...SIM_FAULTS, 'none'].join(', ');
    return reject(res, record, 400, `Header x-sim-fault must be one of ${allowed}.`);
  }
  if (raw === undefined) return reject(res, record, 413, 'Request body too large.');
  const parsed = parseChatRequest(raw);
  if (!parsed.ok) return reject(res, record, 400, parsed.message);
  const { request } = parsed;
  const { options, toolScript } = state;
  const fault = decideFault(options, index, forced);
  if (fault) state.stats.failures++;
  record.model = request.model;
  record.bodyHash = requestBodyHash(request);
  record.stream = request.stream;
  record.fault = fault ?? null;

  const meta: CompletionMeta = {
    style: options.style,
    id: newCompletionId(options.style),
    model: request.model,
    created: Math.floor(Date.now() / 1000),
    includeUsage: request.includeUsage,
  };
  record.responseId = meta.id;
  const headers: Record<string, string> = { 'x-request-id': meta.id };
  if (options.style === 'openrouter') headers['X-Generation-Id'] = meta.id;
  if (fault === 'error') {
    record.status = options.failStatus;
    return sendJson(res, options.failStatus, injectedErrorBody(options.failStatus), headers);
  }
  if (fault === 'rate_limit') {
    const limited = rateLimitResponse(options.retryAfterSeconds);
    record.status = 429;
    return sendJson(res, 429, limited.body, { ...headers, ...limited.headers });
  }
  // A hung request is never answered; the client's timeout or close() ends it.
  if (fault === 'hang') return;

  const composed = composeAnswer({
    request,
    style: options.style,
    seed: options.seed,
    cache: state.cache,
    empty: fault === 'empty',
    ...(toolScript ? { toolScript } : {}),
  });
  const usage = buildUsage(options.style, composed.counts);
  const streamFault = asStreamFault(fault);
  // Set before sending, so a client that has the answer finds it logged; undone on close if it never arrived.
  record.status = 200;
  if (streamFault === undefined) bill(record, composed.counts);
  const { signal } = controller;
  if (request.stream) {
    const plan = planStream(meta, composed.answer, composed.finishReason, usage);
    const { ttftMs, latencyMs } = options;
    return sendStream({ res, signal, meta, plan, headers, ttftMs, latencyMs, fault: streamFault });
  }
  const body = completionBody(meta, composed.answer, composed.finishReason, usage);
  const waitMs = options.ttftMs + options.latencyMs;
  return sendCompletionJson({ res, signal, style: options.style, body, headers, waitMs, fault: streamFault });
}

/** Answers a request the simulator refuses (400, 413), and logs the status. */
function reject(res: ServerResponse, record: SimRequestRecord, status: number, message: string): void {
  record.status = status;
  sendJson(res, status, openAiErrorBody(message));
}

function bill(record: SimRequestRecord, counts: SimTokenCounts): void {
  record.promptTokens = counts.promptTokens;
  record.completionTokens = counts.completionTokens;
  record.cachedTokens = counts.cachedTokens;
  record.costUsd = simCostUsd(counts);
}

/** On close: an answer that did not go out whole is not billed; a status never sent is not logged. */
function settleRecord(record: SimRequestRecord, res: ServerResponse): void {
  if (res.writableFinished) return;
  record.promptTokens = 0;
  record.completionTokens = 0;
  record.cachedTokens = 0;
  record.costUsd = 0;
  if (!res.headersSent) record.status = null;
}

function readForcedFault(header: string | string[] | undefined): ForcedFault | 'invalid' | undefined {
  if (header === undefined) return undefined;
  const value = (Array.isArray(header) ? header[0] : header)?.trim().toLowerCase() ?? '';
  if (value === 'none' || isSimFault(value)) return value;
  return 'invalid';
}

function asStreamFault(fault: SimFault | undefined): StreamFault | undefined {
  return fault === 'malformed_json' || fault === 'stream_cut' || fault === 'midstream_error'
    ? fault
    : undefined;
}
