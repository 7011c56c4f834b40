import type { MonitorThresholds } from '../../config/resolved-config.js';
import {
  breakerConditions,
  type Condition,
  callConditions,
  diskCondition,
  providerConditions,
  usageCondition,
} from './monitor-conditions.js';
import type { MonitorReading, MonitorReadings } from './read-monitor.js';

/** Every threshold the readings cross, as conditions to raise (see monitor-conditions.ts for severities). */
export function conditionsOf(readings: MonitorReadings, thresholds: MonitorThresholds): Condition[] {
  const { cpuPercent, memoryPercent, diskFreePercent, diskDir, calls, breakers } = readings;
  return [
    cpuPercent === null ? null : usageCondition('cpu', cpuPercent, thresholds.cpuPercent),
    memoryPercent === null ? null : usageCondition('memory', memoryPercent, thresholds.memoryPercent),
    diskFreePercent === null ? null : diskCondition(diskFreePercent, thresholds.diskFreePercent, diskDir),
    ...(calls === null ? [] : callConditions(calls, thresholds)),
    ...providerConditions(readings.providers),
    ...(breakers === null ? [] : breakerConditions(breakers)),
  ].filter((condition): condition is Condition => condition !== null);
}

/** The alert keys each failed reading leaves unmeasured. */
const KEYS_OF: Record<MonitorReading, (key: string) => boolean> = {
  cpu: (key) => key === 'cpu',
  memory: (key) => key === 'memory',
  disk: (key) => key === 'disk',
  calls: (key) => key === 'error_rate' || key === 'cost_rate',
  breakers: (key) => key.startsWith('breaker:'),
};

/** Whether an alert's condition went unmeasured this cycle (so it is neither raised nor resolved). */
export function unmeasured(readings: MonitorReadings): (key: string) => boolean {
  const failed = readings.failures.map((failure) => KEYS_OF[failure.reading]);
  return (key) => failed.some((matches) => matches(key));
}
