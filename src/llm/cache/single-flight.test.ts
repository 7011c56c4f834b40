import { describe, expect, it } from 'vitest';
import { SingleFlight } from './single-flight.js';

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('SingleFlight', () => {
  it('runs ten concurrent calls with one key once and gives each the same answer', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let calls = 0;
    const results = Array.from({ length: 10 }, () =>
      flight.run('k', () => {
        calls++;
        return gate.promise;
      }),
    );
    gate.resolve('answer');
    expect(await Promise.all(results)).toEqual(Array(10).fill('answer'));
    expect(calls).toBe(1);
  });

  it('runs different keys independently', async () => {
    const flight = new SingleFlight<string>();
    const seen: string[] = [];
    const [a, b] = await Promise.all([
      flight.run('a', async () => {
        seen.push('a');
        return 'A';
      }),
      flight.run('b', async () => {
        seen.push('b');
        return 'B';
      }),
    ]);
    expect([a, b]).toEqual(['A', 'B']);
    expect(seen.sort()).toEqual(['a', 'b']);
  });

  it('shares a failure with the callers in flight but does not remember it', async () => {
    const flight = new SingleFlight<string>();
    const gate = deferred<string>();
    let calls = 0;
    const first = flight.run('k', () => {
      calls++;
      return gate.promise;
    });
    const second = flight.run('k', async () => 'never called');
    gate.reject(new Error('provider down'));
    await expect(first).rejects.toThrow('provider down');
    await expect(second).rejects.toThrow('provider down');
    expect(flight.size).toBe(0);
    expect(await flight.run('k', async () => 'recovered')).toBe('recovered');
    expect(calls).toBe(1);
  });

  it('shares a synchronous throw as a rejection', async () => {
    const flight = new SingleFlight<string>();
    await expect(
      flight.run('k', () => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(flight.size).toBe(0);
  });

  it('starts a new call for a key once the previous one has settled', async () => {
    const flight = new SingleFlight<number>();
    let calls = 0;
    const fn = async () => ++calls;
    expect(await flight.run('k', fn)).toBe(1);
    expect(await flight.run('k', fn)).toBe(2);
  });
});
