import { describe, expect, it } from 'vitest';
import { ConcurrencyLimits } from './concurrency-limits.js';

const never = new AbortController().signal;

describe('ConcurrencyLimits', () => {
  it('lets at most `max` holders in per key and hands slots over in arrival order', async () => {
    const limits = new ConcurrencyLimits();
    const key = [{ key: 'run:a', max: 2 }];
    const first = await limits.acquire(key, never);
    const second = await limits.acquire(key, never);
    const order: string[] = [];
    const arrive = (name: string) => (release: () => void) => {
      order.push(name);
      return release;
    };
    const third = limits.acquire(key, never).then(arrive('third'));
    const fourth = limits.acquire(key, never).then(arrive('fourth'));
    await Promise.resolve();
    expect(limits.active('run:a')).toBe(2);
    expect(order).toEqual([]);

    first();
    second();
    (await third)();
    (await fourth)();
    expect(order).toEqual(['third', 'fourth']);
    expect(limits.active('run:a')).toBe(0);
  });

  it('holds every nested limit at once: a node slot, the run slot and the global slot', async () => {
    const limits = new ConcurrencyLimits();
    const keys = [
      { key: 'global', max: 3 },
      { key: 'run:a', max: 2 },
      { key: 'node:a/fanout', max: 1 },
    ];
    const release = await limits.acquire(keys, never);
    expect([limits.active('global'), limits.active('run:a'), limits.active('node:a/fanout')]).toEqual([
      1, 1, 1,
    ]);
    // A second step of the same node waits on the node limit while holding nothing else.
    const waiting = limits.acquire(keys, never);
    await Promise.resolve();
    expect(limits.active('run:a')).toBe(1);
    release();
    (await waiting)();
    expect(limits.active('global')).toBe(0);
  });

  it('gives up a wait on abort, holding nothing, and lets the next waiter in', async () => {
    const limits = new ConcurrencyLimits();
    const keys = [
      { key: 'global', max: 1 },
      { key: 'run:b', max: 5 },
    ];
    const holder = await limits.acquire(keys, never);
    const controller = new AbortController();
    const cancelled = limits.acquire(keys, controller.signal);
    const next = limits.acquire(keys, never);
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ code: 'cancelled' });
    // The cancelled waiter released the run slot it had taken while it waited for the global one.
    expect(limits.active('run:b')).toBe(2);
    holder();
    (await next)();
    expect(limits.active('run:b')).toBe(0);
  });

  it('releases once however often release is called', async () => {
    const limits = new ConcurrencyLimits();
    const keys = [{ key: 'run:c', max: 1 }];
    const release = await limits.acquire(keys, never);
    release();
    release();
    const again = await limits.acquire(keys, never);
    const other = limits.acquire(keys, never);
    await Promise.resolve();
    expect(limits.active('run:c')).toBe(1);
    again();
    (await other)();
  });
});
