/** A model ref split into the provider id and the id sent to that provider. */
export interface ParsedModelRef {
  provider: string;
  id: string;
}

/**
 * Splits `provider:model-id` at the first colon (the id may contain more, as in `…:free`);
 * null when there is no provider part or no id.
 */
export function parseModelRef(ref: string): ParsedModelRef | null {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) return null;
  return { provider: ref.slice(0, colon), id: ref.slice(colon + 1) };
}
