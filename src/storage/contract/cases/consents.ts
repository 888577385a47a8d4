/** Contract: consents and the replay cache. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function consentAndReplayCases(open: OpenStorage): void {
  describe('consents', () => {
    const storage = useStorage(open);

    it('get, upsert (replaces), delete', async () => {
      const tenant = freshTenant();
      const c = storage().consents;
      assert.equal(await c.get(tenant, 'u', 'c'), undefined);
      const first = { tenantId: tenant, sub: 'u', clientId: 'c', scope: 'openid', createdAt: NOW, updatedAt: NOW };
      await c.upsert(first);
      assert.deepEqual(await c.get(tenant, 'u', 'c'), first);
      const second = { ...first, scope: 'openid profile email', updatedAt: NOW + 10 };
      await c.upsert(second);
      assert.deepEqual(await c.get(tenant, 'u', 'c'), second);
      assert.equal(await c.get(tenant, 'u', 'other'), undefined);
      assert.equal(await c.delete(tenant, 'u', 'c'), true);
      assert.equal(await c.delete(tenant, 'u', 'c'), false);
      assert.equal(await c.get(tenant, 'u', 'c'), undefined);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const c = storage().consents;
      await c.upsert({ tenantId: a, sub: 'u', clientId: 'c', scope: 'openid', createdAt: NOW, updatedAt: NOW });
      assert.equal(await c.get(b, 'u', 'c'), undefined);
      assert.equal(await c.delete(b, 'u', 'c'), false);
      assert.equal((await c.get(a, 'u', 'c'))?.scope, 'openid');
    });
  });

  describe('replay', () => {
    const storage = useStorage(open);

    it('remember: true, then false while live, true again after expiry', async () => {
      const tenant = freshTenant();
      const r = storage().replay;
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 60, NOW), true);
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 60, NOW + 1), false);
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 120, NOW + 59), false);
      // Expired at its expiresAt: the key may be used again, with a new expiry.
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 200, NOW + 60), true);
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 300, NOW + 199), false);
      assert.equal(await r.remember(tenant, 'jti', 'k', NOW + 300, NOW + 200), true);
    });

    it('keys are separate per namespace and per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const r = storage().replay;
      assert.equal(await r.remember(a, 'jti', 'k', NOW + 60, NOW), true);
      assert.equal(await r.remember(a, 'dpop', 'k', NOW + 60, NOW), true);
      assert.equal(await r.remember(b, 'jti', 'k', NOW + 60, NOW), true);
      assert.equal(await r.remember(a, 'jti', 'k', NOW + 60, NOW), false);
    });

    it('remember: 20 concurrent callers, exactly one true', async () => {
      const tenant = freshTenant();
      const r = storage().replay;
      const results = await Promise.all(Array.from({ length: 20 }, () => r.remember(tenant, 'jti', 'race', NOW + 60, NOW)));
      assert.equal(results.filter(Boolean).length, 1);
    });
  });
}
