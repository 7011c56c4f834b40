import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type AgentMeshError, isAgentMeshError } from '../errors/index.js';
import type { AlertRecord, AlertStore } from './alert-store.js';

/** What a contract run needs from an adapter: a fresh, empty store and how to dispose of it. */
export type MakeAlertStore = () => Promise<{ store: AlertStore; cleanup?: () => Promise<void> }>;

const T1 = '2026-11-21T10:00:00.000Z';
const T2 = '2026-11-21T10:00:30.000Z';
const T3 = '2026-11-21T10:01:00.000Z';
const T4 = '2026-11-21T10:01:30.000Z';

/** The behaviour every AlertStore adapter must share; call it from each adapter's test file. */
export function describeAlertStoreContract(name: string, makeStore: MakeAlertStore): void {
  describe(`AlertStore contract: ${name}`, () => {
    let store: AlertStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await makeStore());
    });
    afterEach(async () => {
      await (store as { close?: () => Promise<void> }).close?.();
      await cleanup?.();
    });

    const cpu = (
      at: string,
      severity: AlertRecord['severity'] = 'warning',
      message = 'CPU 95% (threshold 90%)',
    ) => store.raise({ key: 'cpu', severity, message, at });

    async function rejection(promise: Promise<unknown>): Promise<AgentMeshError> {
      try {
        await promise;
      } catch (error) {
        if (isAgentMeshError(error)) return error;
        throw error;
      }
      throw new Error('expected the call to fail');
    }

    it('raises a new open alert the first time a condition is seen', async () => {
      const { alert, created } = await cpu(T1);
      expect(created).toBe(true);
      expect(alert).toEqual({
        alertId: expect.stringMatching(/^alert_/),
        key: 'cpu',
        severity: 'warning',
        status: 'open',
        message: 'CPU 95% (threshold 90%)',
        occurrences: 1,
        firstSeenAt: T1,
        lastSeenAt: T1,
        acknowledgedBy: null,
        acknowledgedAt: null,
        resolvedAt: null,
        resolvedBy: null,
      });
      expect(await store.list()).toEqual([alert]);
    });

    it('counts a persisting condition on the same alert instead of raising another', async () => {
      const first = await cpu(T1);
      const again = await cpu(T2, 'critical', 'CPU 99% (threshold 90%)');
      expect(again.created).toBe(false);
      expect(again.alert).toEqual({
        ...first.alert,
        occurrences: 2,
        lastSeenAt: T2,
        severity: 'critical',
        message: 'CPU 99% (threshold 90%)',
      });
      expect(await store.list()).toEqual([again.alert]);
    });

    it('keeps one alert per condition key', async () => {
      const a = await cpu(T1);
      const b = await store.raise({ key: 'memory', severity: 'warning', message: 'memory 93%', at: T2 });
      expect(b.created).toBe(true);
      expect(b.alert.alertId).not.toBe(a.alert.alertId);
      expect((await store.list()).map((alert) => alert.key)).toEqual(['memory', 'cpu']);
    });

    it('acknowledges an open alert, and the acknowledgement holds while the condition persists', async () => {
      const { alert } = await cpu(T1);
      const acked = await store.acknowledge(alert.alertId, 'alice', T2);
      expect(acked).toEqual({
        ...alert,
        status: 'acknowledged',
        acknowledgedBy: 'alice',
        acknowledgedAt: T2,
      });
      const again = await cpu(T3);
      expect(again).toEqual({
        created: false,
        alert: { ...acked, occurrences: 2, lastSeenAt: T3 },
      });
    });

    it('leaves an acknowledged alert as the first person acknowledged it', async () => {
      const { alert } = await cpu(T1);
      const first = await store.acknowledge(alert.alertId, 'alice', T2);
      expect(await store.acknowledge(alert.alertId, 'bob', T3)).toEqual(first);
    });

    it('resolves the unresolved alert when its condition clears, with no person named', async () => {
      const { alert } = await cpu(T1);
      const cleared = await store.clear('cpu', T2);
      expect(cleared).toEqual({ ...alert, status: 'resolved', resolvedAt: T2, resolvedBy: null });
      expect(await store.clear('cpu', T3)).toBeNull();
      expect(await store.clear('never-raised', T3)).toBeNull();
    });

    it('clears an acknowledged alert too', async () => {
      const { alert } = await cpu(T1);
      await store.acknowledge(alert.alertId, 'alice', T2);
      expect((await store.clear('cpu', T3))?.status).toBe('resolved');
    });

    it('raises a new alert when a resolved condition returns', async () => {
      const first = await cpu(T1);
      await store.clear('cpu', T2);
      const second = await cpu(T3);
      expect(second.created).toBe(true);
      expect(second.alert.alertId).not.toBe(first.alert.alertId);
      expect(second.alert.occurrences).toBe(1);
      const statuses = (await store.list()).map((alert) => [alert.alertId, alert.status]);
      expect(statuses).toEqual([
        [second.alert.alertId, 'open'],
        [first.alert.alertId, 'resolved'],
      ]);
    });

    it('resolves an alert by hand, naming who', async () => {
      const { alert } = await cpu(T1);
      await store.acknowledge(alert.alertId, 'alice', T2);
      const resolved = await store.resolve(alert.alertId, 'bob', T3);
      expect(resolved).toMatchObject({
        status: 'resolved',
        resolvedBy: 'bob',
        resolvedAt: T3,
        acknowledgedBy: 'alice',
      });
      expect(await store.clear('cpu', T4)).toBeNull();
    });

    it('refuses to acknowledge or resolve a resolved alert', async () => {
      const { alert } = await cpu(T1);
      await store.resolve(alert.alertId, 'bob', T2);
      for (const call of [
        store.resolve(alert.alertId, 'carol', T3),
        store.acknowledge(alert.alertId, 'carol', T3),
      ]) {
        const error = await rejection(call);
        expect(error.code).toBe('alert_already_resolved');
        expect(error.message).toContain(alert.alertId);
        expect(error.message).toContain('by bob');
      }
      expect((await store.list())[0]).toMatchObject({ resolvedBy: 'bob', resolvedAt: T2 });
    });

    it('says which id is unknown', async () => {
      for (const call of [store.acknowledge('alert_nope', 'a', T1), store.resolve('alert_nope', 'a', T1)]) {
        const error = await rejection(call);
        expect(error.code).toBe('alert_not_found');
        expect(error.message).toContain('alert_nope');
        expect(error.message).toContain('agentmesh alerts list');
      }
    });

    it('lists newest first, by status, the later-raised first on ties', async () => {
      const a = (await store.raise({ key: 'a', severity: 'warning', message: 'a', at: T1 })).alert;
      const b = (await store.raise({ key: 'b', severity: 'critical', message: 'b', at: T2 })).alert;
      const c = (await store.raise({ key: 'c', severity: 'info', message: 'c', at: T2 })).alert;
      await store.acknowledge(b.alertId, 'alice', T3);
      await store.clear('a', T3);
      const ids = (alerts: AlertRecord[]) => alerts.map((alert) => alert.alertId);
      expect(ids(await store.list())).toEqual([c.alertId, b.alertId, a.alertId]);
      expect(ids(await store.list({ status: 'open' }))).toEqual([c.alertId]);
      expect(ids(await store.list({ status: 'acknowledged' }))).toEqual([b.alertId]);
      expect(ids(await store.list({ status: 'resolved' }))).toEqual([a.alertId]);
    });

    it('hands out copies: changing a returned alert changes nothing stored', async () => {
      const { alert } = await cpu(T1);
      alert.status = 'resolved';
      (await store.list())[0]!.message = 'changed';
      expect(await store.list()).toEqual([{ ...alert, status: 'open' }]);
    });
  });
}
