import type { ErrorCode } from '../errors/index.js';

/** Exit codes: 0 success, 1 a run (or check) failed, 2 bad usage or configuration, 130 interrupted. */
export const EXIT = { ok: 0, failed: 1, usage: 2, interrupted: 130 } as const;

const USAGE_ERRORS: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'usage',
  'config_invalid',
  'config_unreadable',
  'unknown_team',
  'unknown_agent',
  'unknown_model',
  'missing_api_key',
  'provider_unreachable',
  'run_not_found',
  'run_finished',
  'run_leased',
  'approval_not_pending',
  'team_invalid',
  'mcp_unavailable',
  'store',
  'alert_not_found',
  'alert_already_resolved',
]);

/** The process exit code for an error that reached the top of a command. */
export function exitCodeFor(code: ErrorCode): number {
  if (code === 'cancelled') return EXIT.interrupted;
  return USAGE_ERRORS.has(code) ? EXIT.usage : EXIT.failed;
}
