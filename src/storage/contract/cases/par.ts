/** Contract: pushed authorization requests (RFC 9126), single use across concurrent callers. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParRecord } from '../../types.ts';
import { freshTenant, NOW, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

function parRecord(tenantId: string, hash: string, overrides: Partial<ParRecord> = {}): ParRecord {
  return {
    tenantId,
    hash,
    clientId: 'client',
    params: { response_type: 'code', scope: 'openid', resource: ['https://a.example', 'https://b.example'] },
    dpopJkt: null,
    expiresAt: NOW + 60,
    consumedAt: null,
    createdAt: NOW,
    ...overrides,
  };
}

export function parCases(open: OpenStorage): void {
  describe('pushed authorization requests', () => {
    const storage = useStorage(open);

    it('findLive returns the request until it expires or is consumed', async () => {
      const tenant = freshTenant();
      const p = storage().par;
      const record = parRecord(tenant, 'h1', { dpopJkt: 'jkt' });
      await p.insert(record);
      assert.deepEqual(await p.findLive(tenant, 'h1', NOW), record);
      assert.equal(await p.findLive(tenant, 'h1', NOW + 60), undefined, 'expiry is exclusive');
      assert.equal(await p.findLive(tenant, 'nope', NOW), undefined);
      assert.deepEqual(await p.consume(tenant, 'h1', NOW + 5), { status: 'ok', record: { ...record, consumedAt: NOW + 5 } });
      assert.equal(await p.findLive(tenant, 'h1', NOW + 6), undefined);
      assert.deepEqual(await p.consume(tenant, 'h1', NOW + 7), { status: 'reused', record: { ...record, consumedAt: NOW + 5 } });
      assert.deepEqual(await p.consume(tenant, 'nope', NOW), { status: 'missing' });
    });

    it('consume: an authorization started in time may complete after expiry, once', async () => {
      const tenant = freshTenant();
      const p = storage().par;
      await p.insert(parRecord(tenant, 'late'));
      assert.equal((await p.consume(tenant, 'late', NOW + 600)).status, 'ok');
    });

    it('consume: 20 concurrent callers, exactly one ok', async () => {
      const tenant = freshTenant();
      const p = storage().par;
      await p.insert(parRecord(tenant, 'race'));
      const results = await Promise.all(Array.from({ length: 20 }, () => p.consume(tenant, 'race', NOW)));
      assert.equal(results.filter((r) => r.status === 'ok').length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 19);
    });

    it('is isolated per tenant, and purge removes only old rows', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const p = storage().par;
      await p.insert(parRecord(a, 'h'));
      assert.equal(await p.findLive(b, 'h', NOW), undefined);
      assert.deepEqual(await p.consume(b, 'h', NOW), { status: 'missing' });
      await p.insert(parRecord(b, 'old', { expiresAt: NOW - 10 }));
      assert.ok((await p.purge(NOW, 100)) >= 1);
      assert.deepEqual(await p.consume(b, 'old', NOW), { status: 'missing' });
      assert.ok(await p.findLive(a, 'h', NOW));
    });

    it('sweep keeps a request an hour past its expiry, so an authorization it started can complete', async () => {
      const tenant = freshTenant();
      const s = storage();
      await s.par.insert(parRecord(tenant, 'gone', { expiresAt: NOW - 3601 }));
      await s.par.insert(parRecord(tenant, 'kept', { expiresAt: NOW - 10 }));
      assert.ok((await s.sweep(NOW, 100)) >= 1);
      assert.deepEqual(await s.par.consume(tenant, 'gone', NOW), { status: 'missing' });
      assert.equal((await s.par.consume(tenant, 'kept', NOW)).status, 'ok');
    });
  });
}
