export * from './config/index.js';
export * from './core/index.js';
export * from './errors/index.js';
export * from './llm/index.js';
export { type ApproveRunOptions, approveRun } from './runtime/approve-run.js';
export { buildProviders, type GatewayHandle, openGateway } from './runtime/build-gateway.js';
export type { DrivenRun } from './runtime/drive-run.js';
export { forkRun } from './runtime/fork-run.js';
export { openAlertStore } from './runtime/open-alert-store.js';
export { openRunStore } from './runtime/open-run-store.js';
export { openTelemetry, type Telemetry } from './runtime/open-telemetry.js';
export { type OpenToolboxOptions, openToolbox } from './runtime/open-toolbox.js';
export { findOrphanedRuns } from './runtime/orphaned-runs.js';
export { type ResumeRunOptions, resumeRun } from './runtime/resume-run.js';
export { type RunResult, runResult } from './runtime/run-result.js';
export { prepareRun, type RunTaskOptions, runTask } from './runtime/run-task.js';
export { writeArtifacts } from './runtime/write-artifacts.js';
export { createServer } from './server/create-server.js';
export { startServer } from './server/start-server.js';
export * from './store/index.js';
export { teamMermaid } from './teams/graph/team-mermaid.js';
export { teamWorkflow } from './teams/team-workflow.js';
export { checkHealth, type HealthReport, type HealthStatus } from './telemetry/health/check-health.js';
export { createMetricsRegistry } from './telemetry/metrics/metrics-registry.js';
export { createMonitor } from './telemetry/monitor/create-monitor.js';
export { createRunTracer, traceIdOf } from './telemetry/tracing/run-tracer.js';
export type { AgentTools, Toolbox } from './tools/agent-tools.js';
export { createBuiltinTools } from './tools/builtin/builtin-tools.js';
export {
  type ConnectMcpOptions,
  connectMcpServer,
  type McpConnection,
} from './tools/mcp/connect-mcp-server.js';
export {
  defineTool,
  type JsonSchema,
  type ToolContext,
  type ToolDefinition,
  type ToolOutput,
} from './tools/tool.js';
export { ConcurrencyLimits } from './workflow/concurrency-limits.js';
export { executeRun } from './workflow/execute-run.js';
export { type RunEventListener, RunRecorder } from './workflow/run-recorder.js';
export type { Workflow, WorkflowDecision, WorkflowStep } from './workflow/workflow.js';
