/** Contract: grants and tokens (lookup, revocation cascade, refresh-token rotation). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, grantRecord, NOW, tokenRecord, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function grantCases(open: OpenStorage): void {
  describe('grants', () => {
    const storage = useStorage(open);

    it('returns undefined when missing, round-trips every field', async () => {
      const tenant = freshTenant();
      const g = storage().grants;
      assert.equal(await g.get(tenant, 'g1'), undefined);
      const full = grantRecord(tenant, 'g1');
      await g.insert(full);
      assert.deepEqual(await g.get(tenant, 'g1'), full);
      const sparse = grantRecord(tenant, 'g2', { sub: null, claims: null, authTime: null, acr: null, amr: null, sid: null, resources: [] });
      await g.insert(sparse);
      assert.deepEqual(await g.get(tenant, 'g2'), sparse);
    });

    it('rows inserted together, in batches of different sizes, each round-trip', async () => {
      const tenant = freshTenant();
      const { grants, tokens } = storage();
      const batches = [3, 1, 3, 2].map((size, b) =>
        Array.from({ length: size }, (_, i) => grantRecord(tenant, `g${b}-${i}`, { sub: i % 2 ? null : `user-${b}-${i}`, scope: `openid s${b}${i}`, sid: i % 2 ? `sid-${i}` : null })),
      );
      for (const batch of batches) await Promise.all(batch.map((g) => grants.insert(g)));
      for (const g of batches.flat()) assert.deepEqual(await grants.get(tenant, g.id), g);

      // A duplicate key in a batch fails its own caller only; the other rows are written.
      const results = await Promise.allSettled(['t1', 't1', 't2'].map((hash) => tokens.insert(tokenRecord(tenant, hash, { grantId: 'g0-0' }))));
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled']);
      assert.equal((await tokens.find(tenant, 't2'))?.grantId, 'g0-0');
    });

    it('revoke revokes the grant and every token under it, once', async () => {
      const tenant = freshTenant();
      const { grants, tokens } = storage();
      await grants.insert(grantRecord(tenant, 'g1'));
      await grants.insert(grantRecord(tenant, 'g2'));
      await tokens.insert(tokenRecord(tenant, 'at1', { kind: 'access_token', grantId: 'g1' }));
      await tokens.insert(tokenRecord(tenant, 'rt1', { grantId: 'g1' }));
      await tokens.insert(tokenRecord(tenant, 'rt2', { grantId: 'g2' }));
      await tokens.insert(tokenRecord(tenant, 'old', { grantId: 'g1', revokedAt: NOW - 1 }));

      assert.equal(await grants.revoke(tenant, 'g1', NOW + 5), true);
      assert.equal((await tokens.find(tenant, 'old'))?.revokedAt, NOW - 1, 'an earlier revocation keeps its time');
      assert.equal((await grants.get(tenant, 'g1'))?.revokedAt, NOW + 5);
      for (const hash of ['at1', 'rt1']) {
        const found = await tokens.find(tenant, hash);
        assert.equal(found?.revokedAt, NOW + 5);
        assert.equal(found?.grant?.revokedAt, NOW + 5);
      }
      const untouched = await tokens.find(tenant, 'rt2');
      assert.equal(untouched?.revokedAt, null);
      assert.equal(untouched?.grant?.revokedAt, null);

      assert.equal(await grants.revoke(tenant, 'g1', NOW + 6), false);
      assert.equal((await grants.get(tenant, 'g1'))?.revokedAt, NOW + 5);
      assert.equal(await grants.revoke(tenant, 'missing', NOW), false);
      assert.equal((await tokens.consume(tenant, 'rt1', NOW + 7)).status, 'missing');
    });

    it('revoke of an expired grant is false', async () => {
      const tenant = freshTenant();
      await storage().grants.insert(grantRecord(tenant, 'g1', { expiresAt: NOW }));
      assert.equal(await storage().grants.revoke(tenant, 'g1', NOW), false);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const { grants, tokens } = storage();
      await grants.insert(grantRecord(a, 'g1'));
      await tokens.insert(tokenRecord(a, 'rt', { grantId: 'g1' }));
      assert.equal(await grants.get(b, 'g1'), undefined);
      assert.equal(await grants.revoke(b, 'g1', NOW), false);
      assert.equal((await grants.get(a, 'g1'))?.revokedAt, null);
      assert.equal((await tokens.find(a, 'rt'))?.revokedAt, null);
    });
  });

  describe('tokens', () => {
    const storage = useStorage(open);

    it('find returns undefined when missing and round-trips every field', async () => {
      const tenant = freshTenant();
      const { grants, tokens } = storage();
      assert.equal(await tokens.find(tenant, 'nope'), undefined);
      const bare = tokenRecord(tenant, 'h1', { kind: 'access_token', sub: null, cnfJkt: null, extra: {} });
      await tokens.insert(bare);
      assert.deepEqual(await tokens.find(tenant, 'h1'), { ...bare, grant: null });

      await grants.insert(grantRecord(tenant, 'g1'));
      const child = tokenRecord(tenant, 'h2', { grantId: 'g1', parentHash: 'h0', consumedAt: NOW + 1, revokedAt: NOW + 2 });
      await tokens.insert(child);
      assert.deepEqual(await tokens.find(tenant, 'h2'), { ...child, grant: grantRecord(tenant, 'g1') });

      await grants.insert(grantRecord(tenant, 'g2', { claims: null }));
      await tokens.insert(tokenRecord(tenant, 'h3', { grantId: 'g2' }));
      assert.equal((await tokens.find(tenant, 'h3'))?.grant?.claims, null);
    });

    it('find returns expired and revoked tokens as they are', async () => {
      const tenant = freshTenant();
      const t = storage().tokens;
      await t.insert(tokenRecord(tenant, 'old', { expiresAt: NOW - 1, revokedAt: NOW - 2 }));
      const found = await t.find(tenant, 'old');
      assert.equal(found?.expiresAt, NOW - 1);
      assert.equal(found?.revokedAt, NOW - 2);
    });

    it('consume: ok once, then reused', async () => {
      const tenant = freshTenant();
      const t = storage().tokens;
      const record = tokenRecord(tenant, 'rt');
      await t.insert(record);
      assert.deepEqual(await t.consume(tenant, 'rt', NOW), { status: 'ok', record: { ...record, consumedAt: NOW } });
      assert.deepEqual(await t.consume(tenant, 'rt', NOW + 1), { status: 'reused', record: { ...record, consumedAt: NOW } });
    });

    it('consume: missing, expired, revoked-but-unconsumed and access tokens are missing', async () => {
      const tenant = freshTenant();
      const t = storage().tokens;
      await t.insert(tokenRecord(tenant, 'expired', { expiresAt: NOW }));
      await t.insert(tokenRecord(tenant, 'revoked', { revokedAt: NOW - 1 }));
      await t.insert(tokenRecord(tenant, 'access', { kind: 'access_token' }));
      for (const hash of ['nope', 'expired', 'revoked', 'access']) {
        assert.deepEqual(await t.consume(tenant, hash, NOW), { status: 'missing' }, hash);
      }
      assert.equal((await t.find(tenant, 'access'))?.consumedAt, null);
    });

    it('consume: 20 concurrent callers, exactly one ok', async () => {
      const tenant = freshTenant();
      const t = storage().tokens;
      await t.insert(tokenRecord(tenant, 'race'));
      const results = await Promise.all(Array.from({ length: 20 }, () => t.consume(tenant, 'race', NOW)));
      assert.equal(results.filter((r) => r.status === 'ok').length, 1);
      assert.equal(results.filter((r) => r.status === 'reused').length, 19);
    });

    it('revoke: true when live, then false; expired is false', async () => {
      const tenant = freshTenant();
      const t = storage().tokens;
      await t.insert(tokenRecord(tenant, 'at', { kind: 'access_token' }));
      await t.insert(tokenRecord(tenant, 'gone', { expiresAt: NOW }));
      assert.equal(await t.revoke(tenant, 'at', NOW), true);
      assert.equal((await t.find(tenant, 'at'))?.revokedAt, NOW);
      assert.equal(await t.revoke(tenant, 'at', NOW + 1), false);
      assert.equal((await t.find(tenant, 'at'))?.revokedAt, NOW);
      assert.equal(await t.revoke(tenant, 'gone', NOW), false);
      assert.equal(await t.revoke(tenant, 'nope', NOW), false);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const t = storage().tokens;
      await t.insert(tokenRecord(a, 'h', { grantId: 'g' }));
      assert.equal(await t.find(b, 'h'), undefined);
      assert.deepEqual(await t.consume(b, 'h', NOW), { status: 'missing' });
      assert.equal(await t.revoke(b, 'h', NOW), false);
      assert.equal(await storage().grants.revoke(b, 'g', NOW), false);
      const inA = await t.find(a, 'h');
      assert.equal(inA?.consumedAt, null);
      assert.equal(inA?.revokedAt, null);
      assert.equal((await t.consume(a, 'h', NOW)).status, 'ok');
    });
  });
}
