/**
 * Attribute names of the OpenTelemetry GenAI semantic conventions (incubating in
 * @opentelemetry/semantic-conventions 1.45), copied here as that package advises for incubating names,
 * so a rename upstream cannot change what we emit without us noticing.
 */
export const GEN_AI = {
  operationName: 'gen_ai.operation.name',
  /** Deprecated in favour of `gen_ai.provider.name`; still read by several backends, so both are set. */
  system: 'gen_ai.system',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  agentName: 'gen_ai.agent.name',
  toolName: 'gen_ai.tool.name',
  toolCallId: 'gen_ai.tool.call.id',
} as const;

/** `gen_ai.operation.name` values we use. */
export const GEN_AI_OPERATION = { chat: 'chat', executeTool: 'execute_tool' } as const;

/** Stable attribute names (semantic-conventions 1.45). */
export const STABLE = {
  errorType: 'error.type',
  httpStatusCode: 'http.response.status_code',
  serviceName: 'service.name',
} as const;

/** Our own attributes. */
export const AGENTMESH = {
  runId: 'agentmesh.run_id',
  stepId: 'agentmesh.step_id',
  agent: 'agentmesh.agent',
  team: 'agentmesh.team',
  pattern: 'agentmesh.pattern',
  costUsd: 'agentmesh.cost_usd',
  cacheHit: 'agentmesh.cache_hit',
  savedUsd: 'agentmesh.saved_usd',
  attempt: 'agentmesh.attempt',
  round: 'agentmesh.round',
  outcome: 'agentmesh.outcome',
  willRetry: 'agentmesh.will_retry',
  runStatus: 'agentmesh.run.status',
  stopReason: 'agentmesh.stop_reason',
  resumedFrom: 'agentmesh.resumed_from',
  forkedFrom: 'agentmesh.forked_from',
  llmCalls: 'agentmesh.llm_calls',
  interrupted: 'agentmesh.interrupted',
  toolSource: 'agentmesh.tool.source',
  toolCallKey: 'agentmesh.tool.call_key',
  toolSideEffects: 'agentmesh.tool.side_effects',
  toolResultBytes: 'agentmesh.tool.result_bytes',
  approvalId: 'agentmesh.approval.id',
  approvalDecision: 'agentmesh.approval.decision',
  approvalDecidedBy: 'agentmesh.approval.decided_by',
  testsOk: 'agentmesh.tests.ok',
  testsPassed: 'agentmesh.tests.passed',
  testsFailed: 'agentmesh.tests.failed',
  testsErrors: 'agentmesh.tests.errors',
  sandboxIsolation: 'agentmesh.sandbox.isolation',
  iteration: 'agentmesh.iteration',
} as const;
