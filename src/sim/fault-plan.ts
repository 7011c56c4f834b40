import { hashString, seededRandom } from './seeded-random.js';
import type { SimFault } from './sim-fault.js';

/** The fault settings of a simulator. */
export interface FaultSettings {
  seed: number;
  failRate: number;
  faults: readonly SimFault[];
  failFirst: number;
}

/** A request's forced outcome from the `x-sim-fault` header: a fault, or 'none' for a clean answer. */
export type ForcedFault = SimFault | 'none';

/**
 * Decides which requests fail and how. The n-th request's draw depends only on the seed and n,
 * so a run with the same seed and request order fails the same requests the same way.
 */
export function decideFault(
  settings: FaultSettings,
  requestIndex: number,
  forced?: ForcedFault,
): SimFault | undefined {
  if (forced === 'none') return undefined;
  if (forced) return forced;
  if (requestIndex < settings.failFirst) return settings.faults[0];
  if (settings.failRate <= 0) return undefined;
  const random = seededRandom(hashString(`fault:${settings.seed}:${requestIndex}`));
  if (random() >= settings.failRate) return undefined;
  return settings.faults[Math.floor(random() * settings.faults.length)];
}
