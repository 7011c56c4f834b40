import { describe, expect, it } from 'vitest';
import { decideFault, type FaultSettings } from './fault-plan.js';

const settings: FaultSettings = { seed: 42, failRate: 0, faults: ['rate_limit', 'hang'], failFirst: 0 };

describe('decideFault', () => {
  it('fails the first N requests with the first fault kind', () => {
    const decide = (i: number) => decideFault({ ...settings, failFirst: 2 }, i);
    expect([0, 1, 2, 3].map(decide)).toEqual(['rate_limit', 'rate_limit', undefined, undefined]);
  });

  it('lets the x-sim-fault header override, including forcing a clean answer', () => {
    expect(decideFault(settings, 9, 'stream_cut')).toBe('stream_cut');
    expect(decideFault({ ...settings, failFirst: 5 }, 0, 'none')).toBeUndefined();
  });

  it('draws the same faults for the same seed and request order, close to the fail rate', () => {
    const draws = (seed: number) =>
      Array.from({ length: 400 }, (_, i) => decideFault({ ...settings, seed, failRate: 0.25 }, i));
    expect(draws(1)).toEqual(draws(1));
    expect(draws(1)).not.toEqual(draws(2));
    const failed = draws(1).filter(Boolean);
    expect(failed.length).toBeGreaterThan(60);
    expect(failed.length).toBeLessThan(140);
    expect(new Set(failed)).toEqual(new Set(['rate_limit', 'hang']));
  });

  it('never fails at rate 0 and always fails at rate 1', () => {
    const all = (failRate: number) =>
      Array.from({ length: 50 }, (_, i) => decideFault({ ...settings, failRate }, i));
    expect(all(0).every((f) => f === undefined)).toBe(true);
    expect(all(1).every((f) => f !== undefined)).toBe(true);
  });
});
