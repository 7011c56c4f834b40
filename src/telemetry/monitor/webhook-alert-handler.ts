import type { Loggers } from '../logs/loggers.js';
import type { AlertHandler } from './alert-handler.js';

/** How long a webhook may take to answer. */
export const WEBHOOK_TIMEOUT_MS = 5_000;

/** Options for {@link webhookAlertHandler}. */
export interface WebhookAlertHandlerOptions {
  urls: readonly string[];
  /** Where failed deliveries are reported. */
  log: Pick<Loggers, 'error'>;
  /** @default WEBHOOK_TIMEOUT_MS */
  timeoutMs?: number;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/**
 * POSTs `{ alert, event }` as JSON to every URL at once. A URL that fails, times out or answers
 * other than 2xx is logged (by origin only: webhook paths often carry a token) and never throws.
 */
export function webhookAlertHandler({
  urls,
  log,
  timeoutMs = WEBHOOK_TIMEOUT_MS,
  fetch = globalThis.fetch,
}: WebhookAlertHandlerOptions): AlertHandler {
  return async (notice) => {
    const body = JSON.stringify(notice);
    await Promise.all(
      urls.map(async (url) => {
        const failed = (reason: string) =>
          log.error.error(
            { event: 'alert.webhook_failed', alertId: notice.alert.alertId, webhook: originOf(url) },
            `alert webhook ${originOf(url)} failed: ${reason}; the alert stays in agentmesh alerts list`,
          );
        try {
          const response = await fetch(url, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(timeoutMs),
          });
          await response.body?.cancel();
          if (!response.ok) failed(`HTTP ${response.status}`);
        } catch (error) {
          const cause = (error as { cause?: { code?: string } }).cause?.code;
          failed(
            (error as Error).name === 'TimeoutError'
              ? `no answer within ${timeoutMs / 1000} s`
              : (cause ?? (error as Error).message),
          );
        }
      }),
    );
  };
}

/** `https://hooks.example.com/…` for a URL whose path may be a secret. */
function originOf(url: string): string {
  try {
    return `${new URL(url).origin}/…`;
  } catch {
    return '<invalid url>';
  }
}
