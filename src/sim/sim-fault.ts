/** Every fault the simulator can inject, in the order the CLI documents them. */
export const SIM_FAULTS = [
  'error',
  'rate_limit',
  'hang',
  'malformed_json',
  'stream_cut',
  'midstream_error',
  'empty',
] as const;

/** One injectable fault: what a flaky provider does to a request. */
export type SimFault = (typeof SIM_FAULTS)[number];

/** True when `value` names a {@link SimFault}. */
export function isSimFault(value: unknown): value is SimFault {
  return typeof value === 'string' && (SIM_FAULTS as readonly string[]).includes(value);
}
