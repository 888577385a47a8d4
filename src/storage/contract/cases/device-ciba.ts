/** Contract: device codes and CIBA requests (decisions, polling, atomic single use). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CibaRequestRecord, DeviceCodeRecord, OutboxInsert } from '../../types.ts';
import { freshTenant, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

function deviceRecord(tenantId: string, hash: string, patch: Partial<DeviceCodeRecord> = {}): DeviceCodeRecord {
  return {
    tenantId,
    hash,
    userCode: `UC${hash.toUpperCase()}`,
    clientId: 'tv',
    scope: 'openid profile',
    resources: ['https://api.example'],
    status: 'pending',
    grantId: null,
    interval: 5,
    lastPolledAt: null,
    expiresAt: NOW + 600,
    createdAt: NOW,
    decidedAt: null,
    consumedAt: null,
    ...patch,
  };
}

function delivery(tenantId: string, id: string, kind: string): OutboxInsert {
  return { id, tenantId, clientId: 'bank', kind, targetUrl: 'https://rp.example/ciba', headers: { authorization: 'Bearer t' }, body: '{}', maxAttempts: 3, createdAt: NOW };
}

function cibaRecord(tenantId: string, hash: string, patch: Partial<CibaRequestRecord> = {}): CibaRequestRecord {
  return {
    tenantId,
    hash,
    approvalHash: `approve-${hash}`,
    clientId: 'bank',
    sub: 'user-1',
    scope: 'openid',
    resources: [],
    acr: null,
    bindingMessage: 'W4SCT',
    deliveryMode: 'ping',
    notificationEncrypted: 'sealed',
    status: 'pending',
    grantId: null,
    interval: 5,
    lastPolledAt: null,
    expiresAt: NOW + 300,
    createdAt: NOW,
    decidedAt: null,
    consumedAt: null,
    ...patch,
  };
}

export function deviceCibaCases(open: OpenStorage): void {
  describe('device codes', () => {
    const storage = useStorage(open);

    it('round-trips, finds live codes by user code, refuses a duplicate user code', async () => {
      const tenant = freshTenant();
      const d = storage().deviceCodes;
      const record = deviceRecord(tenant, 'h1');
      await d.insert(record);
      assert.deepEqual(await d.get(tenant, 'h1'), record);
      assert.deepEqual(await d.findByUserCode(tenant, 'UCH1', NOW), record);
      assert.equal(await d.findByUserCode(tenant, 'UCH1', NOW + 600), undefined, 'expired');
      assert.equal(await d.findByUserCode(freshTenant(), 'UCH1', NOW), undefined, 'another tenant');
      await assert.rejects(d.insert(deviceRecord(tenant, 'h2', { userCode: 'UCH1' })));
    });

    it('decides once, only while pending and unexpired', async () => {
      const tenant = freshTenant();
      const d = storage().deviceCodes;
      await d.insert(deviceRecord(tenant, 'a'));
      await d.insert(deviceRecord(tenant, 'old', { expiresAt: NOW }));
      assert.equal(await d.decide(tenant, 'a', { status: 'approved', grantId: 'g1' }, NOW), true);
      assert.equal(await d.decide(tenant, 'a', { status: 'denied' }, NOW), false);
      assert.equal(await d.decide(tenant, 'old', { status: 'denied' }, NOW), false);
      const a = await d.get(tenant, 'a');
      assert.equal(a?.status, 'approved');
      assert.equal(a?.grantId, 'g1');
      assert.equal(a?.decidedAt, NOW);
    });

    it('poll: pending, slow_down (interval + 5), then issue exactly once', async () => {
      const tenant = freshTenant();
      const d = storage().deviceCodes;
      await d.insert(deviceRecord(tenant, 'p'));
      assert.equal((await d.poll(tenant, 'p', 'tv', NOW)).status, 'pending');
      const slow = await d.poll(tenant, 'p', 'tv', NOW + 4);
      assert.equal(slow.status, 'slow_down');
      assert.equal(slow.status === 'slow_down' && slow.record.interval, 10);
      assert.equal((await d.poll(tenant, 'p', 'tv', NOW + 13)).status, 'slow_down', 'the clock restarts at every poll');
      assert.equal((await d.poll(tenant, 'p', 'tv', NOW + 28)).status, 'pending');
      await d.decide(tenant, 'p', { status: 'approved', grantId: 'g' }, NOW + 30);
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => d.poll(tenant, 'p', 'tv', NOW + 60 + (i % 2))));
      assert.equal(results.filter((r) => r.status === 'issue').length, 1);
      assert.ok(results.every((r) => ['issue', 'consumed', 'slow_down'].includes(r.status)));
      assert.equal((await d.poll(tenant, 'p', 'tv', NOW + 200)).status, 'consumed');
    });

    it('poll: another client, an unknown code and an expired code', async () => {
      const tenant = freshTenant();
      const d = storage().deviceCodes;
      await d.insert(deviceRecord(tenant, 'x'));
      assert.deepEqual(await d.poll(tenant, 'x', 'other', NOW), { status: 'missing' });
      assert.equal((await d.get(tenant, 'x'))?.lastPolledAt, null, 'a foreign poll changes nothing');
      assert.deepEqual(await d.poll(tenant, 'nope', 'tv', NOW), { status: 'missing' });
      assert.equal((await d.poll(tenant, 'x', 'tv', NOW + 600)).status, 'expired');
      await d.insert(deviceRecord(tenant, 'no'));
      await d.decide(tenant, 'no', { status: 'denied' }, NOW);
      assert.equal((await d.poll(tenant, 'no', 'tv', NOW)).status, 'denied');
    });
    it('sweep removes rows an hour after they expire, not before', async () => {
      const tenant = freshTenant();
      const s = storage();
      await s.deviceCodes.insert(deviceRecord(tenant, 'gone', { expiresAt: NOW - 3601 }));
      await s.deviceCodes.insert(deviceRecord(tenant, 'kept', { expiresAt: NOW - 10 }));
      await s.ciba.insert(cibaRecord(tenant, 'gone', { expiresAt: NOW - 3601 }));
      assert.ok((await s.sweep(NOW, 100)) >= 2);
      assert.equal(await s.deviceCodes.get(tenant, 'gone'), undefined);
      assert.equal(await s.ciba.get(tenant, 'gone'), undefined);
      assert.equal((await s.deviceCodes.poll(tenant, 'kept', 'tv', NOW)).status, 'expired');
    });
  });

  describe('CIBA requests', () => {
    const storage = useStorage(open);

    it('round-trips, finds by approval secret, lists pending requests of a user', async () => {
      const tenant = freshTenant();
      const c = storage().ciba;
      const record = cibaRecord(tenant, 'r1');
      await c.insert(record);
      await c.insert(cibaRecord(tenant, 'r2', { createdAt: NOW + 1, bindingMessage: null, notificationEncrypted: null, deliveryMode: 'poll', acr: 'urn:acr:1' }));
      await c.insert(cibaRecord(tenant, 'r3', { sub: 'user-2' }));
      assert.deepEqual(await c.get(tenant, 'r1'), record);
      assert.deepEqual(await c.getByApproval(tenant, 'approve-r1'), record);
      assert.equal(await c.getByApproval(freshTenant(), 'approve-r1'), undefined);
      assert.deepEqual((await c.listPending(tenant, 'user-1', NOW)).map((r) => r.hash), ['r2', 'r1']);
      await c.decide(tenant, 'r2', { status: 'denied' }, NOW);
      assert.deepEqual((await c.listPending(tenant, 'user-1', NOW)).map((r) => r.hash), ['r1']);
      assert.deepEqual(await c.listPending(tenant, 'user-1', NOW + 300), []);
    });

    it('decide with consume marks the approval redeemed (push): polls see it consumed', async () => {
      const tenant = freshTenant();
      const c = storage().ciba;
      await c.insert(cibaRecord(tenant, 'push', { deliveryMode: 'push' }));
      assert.equal(await c.decide(tenant, 'push', { status: 'approved', grantId: 'g' }, NOW, { consume: true }), true);
      const row = await c.get(tenant, 'push');
      assert.equal(row?.consumedAt, NOW);
      assert.equal((await c.poll(tenant, 'push', 'bank', NOW + 10)).status, 'consumed');
    });

    it('insert and decide enqueue their outbox deliveries in the same transaction, decide only when it wins', async () => {
      const tenant = freshTenant();
      const { ciba, outbox } = storage();
      await ciba.insert(cibaRecord(tenant, 'n1'), [delivery(tenant, `${tenant}-user`, 'ciba_user_notification')]);
      assert.equal(await ciba.decide(tenant, 'n1', { status: 'denied' }, NOW, { deliveries: [delivery(tenant, `${tenant}-ping`, 'ciba_ping')] }), true);
      assert.equal(await ciba.decide(tenant, 'n1', { status: 'approved', grantId: 'g' }, NOW, { deliveries: [delivery(tenant, `${tenant}-late`, 'ciba_ping')] }), false);
      const rows = await outbox.list({ tenantId: tenant });
      assert.deepEqual(rows.map((r) => r.id).sort(), [`${tenant}-ping`, `${tenant}-user`]);
      // A failed insert (duplicate hash) enqueues nothing.
      await assert.rejects(ciba.insert(cibaRecord(tenant, 'n1', { approvalHash: 'other' }), [delivery(tenant, `${tenant}-dup`, 'ciba_user_notification')]));
      assert.equal((await outbox.list({ tenantId: tenant })).length, 2);
    });

    it('poll: issue once after approval', async () => {
      const tenant = freshTenant();
      const c = storage().ciba;
      await c.insert(cibaRecord(tenant, 'q'));
      assert.equal((await c.poll(tenant, 'q', 'bank', NOW)).status, 'pending');
      await c.decide(tenant, 'q', { status: 'approved', grantId: 'g' }, NOW + 1);
      const results = await Promise.all(Array.from({ length: 8 }, () => c.poll(tenant, 'q', 'bank', NOW + 10)));
      assert.equal(results.filter((r) => r.status === 'issue').length, 1);
    });
  });
}
