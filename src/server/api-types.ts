/**
 * The JSON bodies of the HTTP API, shared with the dashboard (`src/web` imports these types only).
 * Errors are always `{ error: { code, message, field? } }` (see HttpErrorBody).
 */
import type { TeamConfig } from '../config/resolved-config.js';
import type { RunState, StoredRunEvent } from '../core/index.js';
import type { AgentView } from '../runtime/agent-registry.js';
import type { ApiKeyRecord, ApiKeyRole, AuditEntry } from '../store/access-store.js';
import type { AgentDefinition } from '../store/agent-definition-store.js';
import type { ApprovalRecord, RunSummary, UsageRow } from '../store/run-store.js';

export type {
  AgentDefinition,
  AgentView,
  ApiKeyRecord,
  ApiKeyRole,
  AuditEntry,
  RunState,
  RunSummary,
  StoredRunEvent,
  UsageRow,
};

/** `GET /api/runs?status=&limit=&cursor=` */
export interface RunListResponse {
  runs: RunSummary[];
  /** Pass as `?cursor=` for the next (older) page; null on the last page. */
  nextCursor: string | null;
}

/** `POST /api/runs` body. */
export interface StartRunBody {
  task: string;
  /** @default the configured default team */
  team?: string;
  /** USD cap for this run. */
  maxCostUsd?: number;
}

/** `POST /api/runs` (202), `POST /api/runs/:id/resume` (202). */
export interface RunStartedResponse {
  runId: string;
  /** `/api/runs/<id>`. */
  url: string;
  /** `/api/runs/<id>/events` (Server-Sent Events). */
  eventsUrl: string;
}

/** `GET /api/runs/:id` */
export interface RunDetailResponse {
  summary: RunSummary;
  /** The run folded from its log: transcript, steps (the timeline), approvals, tool calls, usage, output. */
  state: RunState;
  approvals: ApprovalRecord[];
  /** Executed by this server right now (so it can be cancelled here). */
  executingHere: boolean;
  /** Left `running` by a process that died: resume continues it. */
  orphaned: boolean;
}

/** `POST /api/runs/:id/approve` and `/reject` body. */
export interface DecisionBody {
  /** @default the run's only pending approval */
  approvalId?: string;
  comment?: string;
}

/** `POST /api/runs/:id/approve` and `/reject`. */
export interface DecisionResponse {
  runId: string;
  approvalId: string;
  decision: 'approved' | 'rejected';
  /** `continuing`: this server carries the run on; `approvals_pending`: others still wait; `leased`: another process runs it. */
  continuation: 'continuing' | 'approvals_pending' | 'leased';
}

/**
 * `GET /api/runs/:id/events`: Server-Sent Events. Stored events come as `event: run-event` with
 * `id: <seq>` and the StoredRunEvent as data, so `Last-Event-ID` (or `?after=<seq>`) resumes after it;
 * live tokens as `event: text-delta` (no id, not replayed) with this data; `event: end` after run.finished.
 */
export interface TextDeltaData {
  agentId: string;
  delta: string;
}

/** `GET /api/agents` */
export interface AgentListResponse {
  agents: AgentView[];
}

/** `POST /api/agents` body: `{ id, ...definition }`; `PUT /api/agents/:id` body: the definition (+ `expectedVersion`). */
export interface AgentWriteBody extends AgentDefinition {
  id?: string;
  expectedVersion?: number;
}

/** One team as the API shows it. */
export interface TeamView {
  config: TeamConfig;
  /** The team as a Mermaid flowchart. */
  mermaid: string;
  /** Agents of the team that are deactivated (runs of it are refused). */
  inactiveAgents: string[];
}

/** `GET /api/teams` */
export interface TeamListResponse {
  teams: TeamView[];
  defaultTeam: string;
}

/** `GET /api/usage?by=agent|model|provider|day|run&since=&until=` */
export interface UsageResponse {
  by: string;
  rows: UsageRow[];
}

/** `GET /api/whoami`: who the server thinks you are, and whether keys are required. */
export interface WhoAmIResponse {
  actor: string;
  role: ApiKeyRole;
  authRequired: boolean;
}

/** `POST /api/keys` (admin) answer: the secret, shown this once. */
export interface CreatedKeyResponse {
  key: ApiKeyRecord;
  secret: string;
}
