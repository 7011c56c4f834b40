import type { ModelPricing } from '../../config/resolved-config.js';

const warnedThisProcess = new Set<string>();

/** The one-line warning for a model with no price: what it means and how to fix it. */
export function unpricedModelWarning(ref: string): string {
  return (
    `no price known for model ${ref}: its calls are recorded with an unknown cost (not as free); ` +
    `add input and output prices (USD per 1M tokens) under models."${ref}" in agentmesh.yaml`
  );
}

/**
 * Warns once per model ref (per process, or per `seen` set) when the model has no price.
 * Returns true when it warned now.
 * @example warnUnpricedOnce(model, (line) => writeLine(io.stderr, `agentmesh: warning: ${line}`));
 */
export function warnUnpricedOnce(
  model: { ref: string; pricing: ModelPricing | null },
  warn: (message: string) => void,
  seen: Set<string> = warnedThisProcess,
): boolean {
  if (model.pricing !== null || seen.has(model.ref)) return false;
  seen.add(model.ref);
  warn(unpricedModelWarning(model.ref));
  return true;
}
