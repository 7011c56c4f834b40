import type { MonitorThresholds } from '../../config/resolved-config.js';
import type { BreakerChangedEvent } from '../../core/index.js';
import type { AlertSeverity } from '../../store/alert-store.js';
import type { LlmCallRecord } from '../../store/run-store.js';
import { DISK_CRITICAL_FREE_PERCENT } from '../health/disk-check.js';
import type { ProviderProbe } from '../health/probe-providers.js';

// Which readings cross which thresholds, and how badly. Severity rules (docs: the monitoring agent):
// - cpu, memory: above the threshold is a warning; critical from halfway between it and 100%.
// - disk: free space below diskFreePercent is a warning; below 1% critical (writes are about to fail).
// - error_rate, cost_rate: above the threshold is a warning; at twice the threshold critical.
// - provider:<id> unreachable (or its key missing): critical. breaker:<provider>:<model> open:
//   critical; half-open: warning.

/** A crossed threshold: the alert the monitor raises (or counts again) for it. */
export interface Condition {
  key: string;
  severity: AlertSeverity;
  message: string;
}

/** Error rate is judged only over at least this many provider calls: 1 failure in 2 is no trend. */
export const MIN_CALLS_FOR_ERROR_RATE = 5;

/** LLM attempts in the window: provider calls (cache hits excluded), failures, and what they cost. */
export interface CallWindow {
  calls: number;
  errors: number;
  costUsd: number;
  windowMs: number;
}

/** Sums the window's LLM attempts; cache hits are not provider calls and cost nothing. */
export function callWindow(calls: readonly LlmCallRecord[], windowMs: number): CallWindow {
  const made = calls.filter((call) => !call.cached);
  return {
    calls: made.length,
    errors: made.filter((call) => call.outcome === 'error').length,
    costUsd: made.reduce((sum, call) => sum + call.costUsd, 0),
    windowMs,
  };
}

/** USD per hour at the window's pace. */
export function costPerHour({ costUsd, windowMs }: CallWindow): number {
  return (costUsd * 3_600_000) / windowMs;
}

/** CPU or memory use above its threshold. */
export function usageCondition(key: 'cpu' | 'memory', percent: number, threshold: number): Condition | null {
  if (percent <= threshold) return null;
  const critical = percent >= threshold + (100 - threshold) / 2;
  const what = key === 'cpu' ? 'CPU' : 'Memory';
  return {
    key,
    severity: critical ? 'critical' : 'warning',
    message: `${what} use ${percent.toFixed(1)}% is above telemetry.monitor.${key}Percent ${threshold}%`,
  };
}

/** Free disk space below its threshold where the store lives. */
export function diskCondition(freePercent: number, threshold: number, dir: string): Condition | null {
  if (freePercent >= threshold && freePercent >= DISK_CRITICAL_FREE_PERCENT) return null;
  return {
    key: 'disk',
    severity: freePercent < DISK_CRITICAL_FREE_PERCENT ? 'critical' : 'warning',
    message: `Disk of ${dir} has ${freePercent.toFixed(1)}% free, below telemetry.monitor.diskFreePercent ${threshold}%`,
  };
}

/** Error rate and cost rate of the window against their thresholds. */
export function callConditions(window: CallWindow, thresholds: MonitorThresholds): Condition[] {
  const conditions: Condition[] = [];
  const minutes = Math.round(window.windowMs / 60_000);
  if (window.calls >= MIN_CALLS_FOR_ERROR_RATE) {
    const rate = window.errors / window.calls;
    if (rate > thresholds.errorRate) {
      conditions.push({
        key: 'error_rate',
        severity: rate >= 2 * thresholds.errorRate ? 'critical' : 'warning',
        message: `${window.errors} of ${window.calls} LLM calls failed in the last ${minutes} min (${(rate * 100).toFixed(0)}%), above telemetry.monitor.errorRate ${thresholds.errorRate}`,
      });
    }
  }
  const perHour = costPerHour(window);
  if (perHour > thresholds.costPerHourUsd) {
    conditions.push({
      key: 'cost_rate',
      severity: perHour >= 2 * thresholds.costPerHourUsd ? 'critical' : 'warning',
      message: `LLM spend $${perHour.toFixed(2)}/h over the last ${minutes} min is above telemetry.monitor.costPerHourUsd $${thresholds.costPerHourUsd}`,
    });
  }
  return conditions;
}

/** A provider that cannot be used: critical, whatever the fallbacks (the health check weighs those). */
export function providerConditions(probes: readonly ProviderProbe[]): Condition[] {
  return probes
    .filter((probe) => probe.outcome !== 'ok')
    .map((probe) => ({
      key: `provider:${probe.providerId}`,
      severity: 'critical',
      message: `Provider ${probe.providerId}: ${probe.problem}`,
    }));
}

/** Breakers whose latest recorded state is not closed. */
export function breakerConditions(latest: readonly BreakerChangedEvent[]): Condition[] {
  return latest
    .filter((change) => change.state !== 'closed')
    .map((change) => ({
      key: `breaker:${change.provider}:${change.model}`,
      severity: change.state === 'open' ? 'critical' : 'warning',
      message: `Circuit breaker of ${change.provider}:${change.model} is ${change.state.replace('_', '-')} since ${change.at} (run ${change.runId})`,
    }));
}
