/** Contract: signing keys (publication window, ordering, atomic rotation, isolation). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, keyRecord, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function keyCases(open: OpenStorage): void {
  describe('keys', () => {
    const storage = useStorage(open);

    it('publishes nothing for a tenant without keys', async () => {
      assert.deepEqual(await storage().keys.listPublished(freshTenant(), NOW), []);
    });

    it('round-trips a key', async () => {
      const tenant = freshTenant();
      const key = keyRecord(tenant, 'k1', 'RS256');
      await storage().keys.insert(key);
      assert.deepEqual(await storage().keys.listPublished(tenant, NOW), [key]);
    });

    it('rotate retires the active key of that alg and activates the new one', async () => {
      const tenant = freshTenant();
      const keys = storage().keys;
      await keys.insert(keyRecord(tenant, 'rs-old', 'RS256', { createdAt: NOW - 300 }));
      await keys.insert(keyRecord(tenant, 'es-1', 'ES256', { createdAt: NOW - 200 }));
      await keys.rotate(tenant, keyRecord(tenant, 'rs-new', 'RS256', { createdAt: NOW - 100 }), NOW + 1000);

      const published = await keys.listPublished(tenant, NOW);
      // Active keys first, newest first; then retired keys.
      assert.deepEqual(
        published.map((k) => [k.kid, k.status, k.expiresAt]),
        [
          ['rs-new', 'active', null],
          ['es-1', 'active', null],
          ['rs-old', 'retired', NOW + 1000],
        ],
      );

      // A retired key is published until (not at) its expiry.
      assert.deepEqual((await keys.listPublished(tenant, NOW + 999)).map((k) => k.kid), ['rs-new', 'es-1', 'rs-old']);
      assert.deepEqual((await keys.listPublished(tenant, NOW + 1000)).map((k) => k.kid), ['rs-new', 'es-1']);
    });

    it('orders several retired keys newest first and drops expired ones', async () => {
      const tenant = freshTenant();
      const keys = storage().keys;
      await keys.insert(keyRecord(tenant, 'r1', 'ES256', { status: 'retired', createdAt: NOW - 30, expiresAt: NOW + 10 }));
      await keys.insert(keyRecord(tenant, 'r2', 'ES256', { status: 'retired', createdAt: NOW - 20, expiresAt: NOW + 10 }));
      await keys.insert(keyRecord(tenant, 'r0', 'ES256', { status: 'retired', createdAt: NOW - 40, expiresAt: NOW - 1 }));
      await keys.insert(keyRecord(tenant, 'a1', 'ES256', { createdAt: NOW - 50 }));
      assert.deepEqual((await keys.listPublished(tenant, NOW)).map((k) => k.kid), ['a1', 'r2', 'r1']);
    });

    it('rotate is atomic: a failed insert leaves the old key active', async () => {
      const tenant = freshTenant();
      const keys = storage().keys;
      await keys.insert(keyRecord(tenant, 'k1', 'RS256'));
      // Reusing kid k1 violates the primary key after the retire step has run.
      await assert.rejects(keys.rotate(tenant, keyRecord(tenant, 'k1', 'RS256', { createdAt: NOW + 1 }), NOW + 500));
      const published = await keys.listPublished(tenant, NOW);
      assert.deepEqual(published.map((k) => [k.kid, k.status, k.expiresAt]), [['k1', 'active', null]]);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const keys = storage().keys;
      await keys.insert(keyRecord(a, 'ka', 'RS256'));
      assert.deepEqual(await keys.listPublished(b, NOW), []);
      await keys.rotate(b, keyRecord(b, 'kb', 'RS256'), NOW + 100);
      assert.deepEqual((await keys.listPublished(a, NOW)).map((k) => [k.kid, k.status]), [['ka', 'active']]);
      assert.deepEqual((await keys.listPublished(b, NOW)).map((k) => [k.kid, k.status]), [['kb', 'active']]);
    });
  });
}
