/** Contract: keys published ahead of activation (`next`) and their promotion. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, keyRecord, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function keyScheduleCases(open: OpenStorage): void {
  describe('scheduled keys', () => {
    const storage = useStorage(open);

    it('publishes a next key beside the active one, and promote swaps them once', async () => {
      const tenant = freshTenant();
      const keys = storage().keys;
      await keys.insert(keyRecord(tenant, 'rs-1', 'RS256', { createdAt: NOW - 300 }));
      await keys.insert(keyRecord(tenant, 'es-1', 'ES256', { createdAt: NOW - 300 }));
      await keys.insert(keyRecord(tenant, 'rs-2', 'RS256', { createdAt: NOW - 10, status: 'next' }));
      assert.deepEqual(
        (await keys.listPublished(tenant, NOW)).map((k) => [k.kid, k.status]),
        [['rs-1', 'active'], ['es-1', 'active'], ['rs-2', 'next']],
      );

      assert.equal(await keys.promote(tenant, 'rs-2', NOW + 500), true);
      assert.equal(await keys.promote(tenant, 'rs-2', NOW + 900), false, 'a second promotion changes nothing');
      assert.equal(await keys.promote(tenant, 'missing', NOW + 900), false);
      assert.equal(await keys.promote(freshTenant(), 'rs-1', NOW + 900), false, 'other tenants are untouched');
      const published = await keys.listPublished(tenant, NOW);
      assert.deepEqual(
        published.map((k) => [k.kid, k.status, k.expiresAt]),
        [
          ['rs-2', 'active', null],
          ['es-1', 'active', null],
          ['rs-1', 'retired', NOW + 500],
        ],
      );
    });

    it('concurrent promotions of one key retire the old key exactly once', async () => {
      const tenant = freshTenant();
      const keys = storage().keys;
      await keys.insert(keyRecord(tenant, 'a', 'ES256', { createdAt: NOW - 300 }));
      await keys.insert(keyRecord(tenant, 'b', 'ES256', { createdAt: NOW - 10, status: 'next' }));
      const results = await Promise.all([1, 2, 3, 4].map((i) => keys.promote(tenant, 'b', NOW + i)));
      assert.equal(results.filter(Boolean).length, 1);
      const published = await keys.listPublished(tenant, NOW);
      assert.deepEqual(published.map((k) => [k.kid, k.status]), [['b', 'active'], ['a', 'retired']]);
    });
  });
}
