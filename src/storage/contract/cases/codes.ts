/** Contract: authorization codes (atomic single use). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeRecord, freshTenant, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function codeCases(open: OpenStorage): void {
  describe('codes', () => {
    const storage = useStorage(open);

    it('consume: ok once with the record, then reused', async () => {
      const tenant = freshTenant();
      const c = storage().codes;
      const record = codeRecord(tenant, 'h1', { dpopJkt: 'jkt' });
      await c.insert(record);
      assert.deepEqual(await c.consume(tenant, 'h1', NOW), { status: 'ok', record: { ...record, consumedAt: NOW } });
      assert.deepEqual(await c.consume(tenant, 'h1', NOW + 1), { status: 'reused', record: { ...record, consumedAt: NOW } });
    });

    it('consume: unknown and expired codes are missing', async () => {
      const tenant = freshTenant();
      const c = storage().codes;
      await c.insert(codeRecord(tenant, 'old', { expiresAt: NOW, codeChallenge: null, codeChallengeMethod: null, nonce: null }));
      assert.deepEqual(await c.consume(tenant, 'nope', NOW), { status: 'missing' });
      // Expiry is exclusive: a code is no longer valid at its expiresAt.
      assert.deepEqual(await c.consume(tenant, 'old', NOW), { status: 'missing' });
      assert.deepEqual(await c.consume(tenant, 'old', NOW - 1), {
        status: 'ok',
        record: codeRecord(tenant, 'old', { expiresAt: NOW, codeChallenge: null, codeChallengeMethod: null, nonce: null, consumedAt: NOW - 1 }),
      });
    });

    it('consume: 20 concurrent callers, exactly one ok', async () => {
      const tenant = freshTenant();
      const c = storage().codes;
      await c.insert(codeRecord(tenant, 'race'));
      const results = await Promise.all(Array.from({ length: 20 }, () => c.consume(tenant, 'race', NOW)));
      assert.equal(results.filter((r) => r.status === 'ok').length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 19);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const c = storage().codes;
      await c.insert(codeRecord(a, 'h'));
      assert.deepEqual(await c.consume(b, 'h', NOW), { status: 'missing' });
      assert.equal((await c.consume(a, 'h', NOW)).status, 'ok');
      assert.deepEqual(await c.consume(b, 'h', NOW), { status: 'missing' });
      // The same hash in another tenant is a different code.
      await c.insert(codeRecord(b, 'h'));
      assert.equal((await c.consume(b, 'h', NOW)).status, 'ok');
    });
  });
}
