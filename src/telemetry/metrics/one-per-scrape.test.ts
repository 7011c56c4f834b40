import { describe, expect, it } from 'vitest';
import { onePerScrape } from './one-per-scrape.js';

describe('onePerScrape', () => {
  it('shares one load among callers waiting together, and loads again afterwards', async () => {
    let loads = 0;
    const read = onePerScrape(async () => ++loads);
    expect(await Promise.all([read(), read(), read()])).toEqual([1, 1, 1]);
    expect(await read()).toBe(2);
  });

  it('loads again after a failed load', async () => {
    let loads = 0;
    const read = onePerScrape(async () => {
      loads++;
      if (loads === 1) throw new Error('store closed');
      return loads;
    });
    await expect(Promise.all([read(), read()])).rejects.toThrow('store closed');
    expect(await read()).toBe(2);
  });
});
