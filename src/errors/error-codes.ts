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
  'store',
  'cancelled',
  'budget_exceeded',
  'internal',
] as const;

/** One of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];
