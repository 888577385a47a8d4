/** Contract: the durable outbox (claims, outcomes, breakers) and ending a session with its notifications. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, grantRecord, NOW, sessionRecord, tokenRecord, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';
import type { OutboxInsert } from '../../types.ts';

const T0 = 5_000_000;
let n = 0;

function insert(tenantId: string, clientId = 'rp', patch: Partial<OutboxInsert> = {}): OutboxInsert {
  n++;
  return { id: `${tenantId}-row-${n}`, tenantId, clientId, kind: 'test', targetUrl: 'https://rp.example/hook', headers: { authorization: 'Bearer x' }, body: `{"n":${n}}`, maxAttempts: 3, createdAt: NOW, ...patch };
}

const failure = (nowMs: number, retryAtMs: number | null) => ({ nowMs, status: 503, error: 'HTTP 503', retryAtMs, breakerThreshold: 2, breakerCooldownMs: () => 1000 });

export function outboxCases(open: OpenStorage): void {
  describe('outbox', () => {
    const storage = useStorage(open);
    const claim = (owner: string, nowMs: number, tenantId: string) =>
      storage().outbox.claim({ owner, nowMs, leaseMs: 100, limit: 50, breakerThreshold: 2 }).then((rows) => rows.filter((r) => r.tenantId === tenantId));

    it('enqueues rows due at once and round-trips every field', async () => {
      const tenant = freshTenant();
      const row = insert(tenant);
      await storage().outbox.enqueue([row]);
      const [listed] = await storage().outbox.list({ tenantId: tenant });
      assert.deepEqual(listed, { ...row, status: 'pending', attempts: 0, nextAttemptAtMs: 0, leaseOwner: null, leaseUntilMs: null, lastAttemptAtMs: null, lastStatus: null, lastError: null, deliveredAtMs: null });
      assert.deepEqual(await storage().outbox.counts({ tenantId: tenant }), { pending: 1, delivered: 0, failed: 0 });
    });

    it('a claimed row belongs to one owner until its lease lapses', async () => {
      const tenant = freshTenant();
      const row = insert(tenant);
      await storage().outbox.enqueue([row]);
      const [mine, theirs] = await Promise.all([claim('a', T0, tenant), claim('b', T0, tenant)]);
      assert.equal((mine?.length ?? 0) + (theirs?.length ?? 0), 1, 'concurrent claims: one winner');
      const winner = mine.length === 1 ? 'a' : 'b';
      assert.deepEqual(await claim('c', T0 + 99, tenant), []);
      const again = await claim('c', T0 + 100, tenant);
      assert.equal(again[0]?.id, row.id);
      assert.equal(again[0]?.leaseOwner, 'c');
      assert.equal(await storage().outbox.succeed(row.id, winner, T0 + 101, 200), false, 'a lapsed owner cannot record');
      assert.equal(await storage().outbox.succeed(row.id, 'c', T0 + 101, 204), true);
      const [done] = await storage().outbox.list({ tenantId: tenant });
      assert.equal(done?.status, 'delivered');
      assert.equal(done?.attempts, 1);
      assert.equal(done?.deliveredAtMs, T0 + 101);
      assert.deepEqual(await claim('d', T0 + 10_000, tenant), [], 'delivered rows are never claimed');
      assert.equal(await storage().outbox.purgeDelivered(T0 + 102, 10) >= 1, true);
      assert.deepEqual(await storage().outbox.list({ tenantId: tenant }), []);
    });

    it('fail reschedules, then marks the row failed; retry revives it', async () => {
      const tenant = freshTenant();
      const row = insert(tenant);
      await storage().outbox.enqueue([row]);
      await claim('a', T0, tenant);
      assert.equal(await storage().outbox.fail(row.id, 'a', { ...failure(T0, T0 + 500), breakerThreshold: 100 }), true);
      assert.deepEqual(await claim('a', T0 + 499, tenant), []);
      assert.equal((await claim('a', T0 + 500, tenant)).length, 1);
      assert.equal(await storage().outbox.fail(row.id, 'a', { ...failure(T0 + 500, null), breakerThreshold: 100 }), true);
      const [failed] = await storage().outbox.list({ tenantId: tenant, status: 'failed' });
      assert.equal(failed?.attempts, 2);
      assert.equal(failed?.lastStatus, 503);
      assert.equal(failed?.lastError, 'HTTP 503');
      assert.deepEqual(await claim('a', T0 + 1_000_000, tenant), []);
      assert.equal(await storage().outbox.retry(freshTenant(), row.id), false, 'only the tenant\'s own rows');
      assert.equal(await storage().outbox.retry(tenant, row.id), true);
      assert.equal(await storage().outbox.retry(tenant, row.id), false, 'only failed rows');
      assert.equal((await claim('a', T0 + 1_000_000, tenant))[0]?.attempts, 0);
    });

    it('a client breaker opens at the threshold, lets one probe through after the cool-down, and closes on success', async () => {
      const tenant = freshTenant();
      const rows = [insert(tenant, 'dead'), insert(tenant, 'dead'), insert(tenant, 'dead'), insert(tenant, 'alive')];
      await storage().outbox.enqueue(rows);
      for (const [i, t] of [T0, T0 + 10].entries()) {
        const got = await claim('a', t, tenant);
        const dead = got.find((r) => r.clientId === 'dead');
        assert.ok(dead, `claim ${i}`);
        for (const r of got) if (r.id !== dead.id) await storage().outbox.release(r.id, 'a');
        await storage().outbox.fail(dead.id, 'a', failure(t, t));
      }
      const breaker = (await storage().outbox.breakers(tenant))[0];
      assert.deepEqual(breaker, { tenantId: tenant, clientId: 'dead', failures: 2, openUntilMs: T0 + 10 + 1000 });
      const during = await claim('a', T0 + 500, tenant);
      assert.deepEqual(during.map((r) => r.clientId), ['alive'], 'an open breaker holds back only its client');
      await storage().outbox.succeed(during[0]?.id ?? '', 'a', T0 + 500, 200);
      const probe = await claim('a', T0 + 1010, tenant);
      assert.equal(probe.length, 1, 'one probe');
      assert.deepEqual(await claim('b', T0 + 1010, tenant), [], 'no second probe elsewhere');
      await storage().outbox.succeed(probe[0]?.id ?? '', 'a', T0 + 1011, 200);
      assert.deepEqual(await storage().outbox.breakers(tenant), []);
      assert.equal((await claim('a', T0 + 1012, tenant)).length, 2);
    });
  });

  describe('logout', () => {
    const storage = useStorage(open);

    it('ends a session, revokes its grants without offline_access, and enqueues its notifications, once', async () => {
      const tenant = freshTenant();
      const s = storage();
      await s.sessions.insert(sessionRecord(tenant, 'sid-x'));
      await s.grants.insert(grantRecord(tenant, 'online', { sid: 'sid-x', scope: 'openid profile' }));
      await s.grants.insert(grantRecord(tenant, 'offline', { sid: 'sid-x', scope: 'openid offline_access' }));
      await s.grants.insert(grantRecord(tenant, 'elsewhere', { sid: 'sid-y', scope: 'openid' }));
      await s.tokens.insert(tokenRecord(tenant, 'rt-online', { grantId: 'online' }));
      await s.tokens.insert(tokenRecord(tenant, 'rt-offline', { grantId: 'offline' }));
      const row = insert(tenant);
      assert.deepEqual(await s.logout.endSession(tenant, 'sid-x', NOW + 1, [row]), { ended: true, revokedGrants: 1 });
      assert.equal((await s.sessions.get(tenant, 'sid-x'))?.endedAt, NOW + 1);
      assert.equal((await s.grants.get(tenant, 'online'))?.revokedAt, NOW + 1);
      assert.equal((await s.grants.get(tenant, 'offline'))?.revokedAt, null);
      assert.equal((await s.grants.get(tenant, 'elsewhere'))?.revokedAt, null);
      assert.equal((await s.tokens.find(tenant, 'rt-online'))?.revokedAt, NOW + 1);
      assert.equal((await s.tokens.find(tenant, 'rt-offline'))?.revokedAt, null);
      assert.deepEqual((await s.outbox.list({ tenantId: tenant })).map((r) => r.id), [row.id]);

      assert.deepEqual(await s.logout.endSession(tenant, 'sid-x', NOW + 2, [insert(tenant)]), { ended: false, revokedGrants: 0 });
      assert.equal((await s.outbox.list({ tenantId: tenant })).length, 1, 'a second logout enqueues nothing');
      assert.deepEqual(await s.logout.endSession(tenant, 'missing', NOW + 2, [insert(tenant)]), { ended: false, revokedGrants: 0 });
      assert.equal((await s.outbox.list({ tenantId: tenant })).length, 1);
    });
  });
}
