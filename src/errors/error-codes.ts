/** The closed set of error codes. Exit codes and HTTP statuses are mapped from these at the edges only. */
export const ERROR_CODES = [
  'usage',
  'config_invalid',
  'config_unreadable',
  'unknown_team',
  'unknown_agent',
  'unknown_model',
  'missing_api_key',
  'provider_unreachable',
  'llm_http',
  'llm_timeout',
  'llm_network',
  'llm_empty_response',
  'llm_malformed_response',
  'llm_stream_interrupted',
  'llm_all_models_failed',
  'circuit_open',
  'rate_limit_queue_full',
  'rate_limit_timeout',
  'run_not_found',
  'run_failed',
  /** resume of a run that already finished. */
  'run_finished',
  /** The run is being executed by another live process (it holds the run's lease). */
  'run_leased',
  /** This process lost the run's lease to another; it stopped writing to the run. */
  'lease_lost',
  'approval_not_pending',
  /** A team's graph or termination condition is invalid (cycle without a limit, unparsable condition). */
  'team_invalid',
  'step_timeout',
  /** --replay met a request the cassette does not hold. */
  'replay_miss',
  /** A step stopped to wait for a human decision on one of its tool calls; it continues once decided. */
  'step_paused',
  /** The model called a tool the agent does not have. */
  'tool_unknown',
  /** A tool call's arguments are not JSON, or fail the tool's schema (`ToolArgsInvalid`). */
  'tool_args_invalid',
  /** A tool took longer than its timeout. */
  'tool_timeout',
  /** A tool refused the call: a path outside the workspace, a host not on the allowlist. */
  'tool_refused',
  /** A human rejected a tool call that needed approval. */
  'tool_declined',
  /** A tool threw, or an MCP server answered with an error. */
  'tool_failed',
  /** An MCP server could not be started or reached, or died. */
  'mcp_unavailable',
  'store',
  /** No alert has the given id. */
  'alert_not_found',
  /** The alert was resolved already; a resolved alert cannot be acknowledged or resolved again. */
  'alert_already_resolved',
  'cancelled',
  'budget_exceeded',
  /** An HTTP request without a valid API key (missing, unknown or revoked). */
  'unauthorized',
  /** The request's API key has a role that may not do this. */
  'forbidden',
  /** A request body over the server's size limit. */
  'payload_too_large',
  /** No resource at the path (a team, an API key) other than runs, agents and alerts, which have their own codes. */
  'not_found',
  /** No agent has the given id. */
  'agent_not_found',
  /** An agent with that id exists already (create), or is already defined over the API. */
  'agent_exists',
  /** The agent was deactivated; runs that need it are refused until it is activated again. */
  'agent_inactive',
  /** The run is not executing in this process, so it cannot be cancelled here. */
  'run_not_active',
  /** The run waits for a human decision on an approval; decide it instead of resuming. */
  'run_awaiting_approval',
  'internal',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
