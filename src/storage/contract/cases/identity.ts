/** Contract: tenants, clients and users (lookups, upserts, isolation, pagination). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientRecord, freshTenant, NOW, useStorage, userRecord } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function identityCases(open: OpenStorage): void {
  describe('tenants', () => {
    const storage = useStorage(open);

    it('returns undefined for a missing id or slug', async () => {
      assert.equal(await storage().tenants.getById('nope'), undefined);
      assert.equal(await storage().tenants.getBySlug('nope'), undefined);
    });

    it('upserts by id, replaces fields, lists the default tenant first', async () => {
      const t = storage().tenants;
      await t.upsert({ id: 'aaa', slug: 'zz', name: 'A', createdAt: NOW });
      await t.upsert({ id: 'default', slug: '', name: 'Default', createdAt: NOW });
      await t.upsert({ id: 'bbb', slug: 'acme', name: 'B', createdAt: NOW });
      assert.deepEqual(await t.getBySlug(''), { id: 'default', slug: '', name: 'Default', createdAt: NOW });

      await t.upsert({ id: 'aaa', slug: 'renamed', name: 'A2', createdAt: NOW + 1 });
      assert.equal(await t.getBySlug('zz'), undefined);
      assert.deepEqual(await t.getById('aaa'), { id: 'aaa', slug: 'renamed', name: 'A2', createdAt: NOW + 1 });

      const list = await t.list();
      assert.deepEqual(list.map((x) => x.id), ['default', 'bbb', 'aaa']);
    });

    it('rejects a slug already held by another tenant', async () => {
      const t = storage().tenants;
      await t.upsert({ id: 'one', slug: 'taken', name: 'One', createdAt: NOW });
      await assert.rejects(t.upsert({ id: 'two', slug: 'taken', name: 'Two', createdAt: NOW }));
    });
  });

  describe('clients', () => {
    const storage = useStorage(open);

    it('returns undefined when missing, round-trips every field', async () => {
      const tenant = freshTenant();
      const c = storage().clients;
      assert.equal(await c.get(tenant, 'c1'), undefined);
      const record = clientRecord(tenant, 'c1', { secretEncrypted: 'enc', registrationTokenHash: 'rat', source: 'registration' });
      await c.upsert(record);
      assert.deepEqual(await c.get(tenant, 'c1'), record);
    });

    it('upsert replaces every field', async () => {
      const tenant = freshTenant();
      const c = storage().clients;
      await c.upsert(clientRecord(tenant, 'c1', { secretEncrypted: 'enc', registrationTokenHash: 'rat' }));
      const replaced = clientRecord(tenant, 'c1', {
        secretHash: null,
        secretEncrypted: null,
        registrationTokenHash: null,
        source: 'config',
        metadata: {
          client_id: 'c1',
          redirect_uris: ['https://other.example/cb'],
          grant_types: ['client_credentials'],
          response_types: [],
          token_endpoint_auth_method: 'private_key_jwt',
          scope: 'api',
        },
        createdAt: NOW + 5,
        updatedAt: NOW + 6,
      });
      await c.upsert(replaced);
      assert.deepEqual(await c.get(tenant, 'c1'), replaced);
    });

    it('delete is true once, then false', async () => {
      const tenant = freshTenant();
      const c = storage().clients;
      await c.upsert(clientRecord(tenant, 'c1'));
      assert.equal(await c.delete(tenant, 'c1'), true);
      assert.equal(await c.delete(tenant, 'c1'), false);
      assert.equal(await c.get(tenant, 'c1'), undefined);
    });

    it('is invisible from another tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const c = storage().clients;
      await c.upsert(clientRecord(a, 'shared-id'));
      assert.equal(await c.get(b, 'shared-id'), undefined);
      assert.deepEqual((await c.list(b)).items, []);
      assert.equal(await c.delete(b, 'shared-id'), false);
      assert.ok(await c.get(a, 'shared-id'));
      // The same client_id may exist independently in another tenant.
      await c.upsert(clientRecord(b, 'shared-id', { source: 'config' }));
      assert.equal((await c.get(a, 'shared-id'))?.source, 'admin');
    });

    it('pages by client_id with a cursor; next is undefined on the last page', async () => {
      const tenant = freshTenant();
      const c = storage().clients;
      const ids = ['c-07', 'C-01', 'c-03', 'c-02', 'c-06', 'c-05', 'c-04'];
      for (const id of ids) await c.upsert(clientRecord(tenant, id));
      const seen: string[] = [];
      let cursor: string | undefined;
      const sizes: number[] = [];
      do {
        const page = await c.list(tenant, cursor === undefined ? { limit: 3 } : { limit: 3, cursor });
        sizes.push(page.items.length);
        seen.push(...page.items.map((x) => x.clientId));
        cursor = page.next;
      } while (cursor !== undefined);
      assert.deepEqual(sizes, [3, 3, 1]);
      // Byte order: upper case sorts before lower case in both dialects.
      assert.deepEqual(seen, ['C-01', 'c-02', 'c-03', 'c-04', 'c-05', 'c-06', 'c-07']);

      const exact = await c.list(tenant, { limit: 7 });
      assert.equal(exact.items.length, 7);
      assert.equal(exact.next, undefined);
    });

    it('defaults to 50 per page and caps the limit at 500', async () => {
      const tenant = freshTenant();
      const c = storage().clients;
      const ids = Array.from({ length: 501 }, (_, i) => `client-${String(i).padStart(4, '0')}`);
      for (let i = 0; i < ids.length; i += 50) {
        await Promise.all(ids.slice(i, i + 50).map((id) => c.upsert(clientRecord(tenant, id))));
      }
      const first = await c.list(tenant);
      assert.equal(first.items.length, 50);
      assert.equal(first.next, 'client-0049');
      const capped = await c.list(tenant, { limit: 10_000 });
      assert.equal(capped.items.length, 500);
      assert.equal(capped.next, 'client-0499');
      const last = await c.list(tenant, { limit: 10_000, cursor: 'client-0499' });
      assert.deepEqual(last.items.map((x) => x.clientId), ['client-0500']);
      assert.equal(last.next, undefined);
    });
  });

  describe('users', () => {
    const storage = useStorage(open);

    it('returns undefined when missing, round-trips every field', async () => {
      const tenant = freshTenant();
      const u = storage().users;
      assert.equal(await u.get(tenant, 'u1'), undefined);
      assert.equal(await u.getByUsername(tenant, 'alice'), undefined);
      const record = userRecord(tenant, 'u1', 'Alice', { disabled: true, passwordHash: null });
      await u.upsert(record);
      assert.deepEqual(await u.get(tenant, 'u1'), record);
    });

    it('finds usernames case-insensitively', async () => {
      const tenant = freshTenant();
      const u = storage().users;
      await u.upsert(userRecord(tenant, 'u1', 'Alice'));
      assert.equal((await u.getByUsername(tenant, 'alice'))?.id, 'u1');
      assert.equal((await u.getByUsername(tenant, 'ALICE'))?.id, 'u1');
      assert.equal((await u.getByUsername(tenant, 'Alice'))?.username, 'Alice');
      assert.equal(await u.getByUsername(tenant, 'alic'), undefined);
    });

    it('upsert replaces by id; another user holding the username (any case) is an error', async () => {
      const tenant = freshTenant();
      const u = storage().users;
      await u.upsert(userRecord(tenant, 'u1', 'alice'));
      const replaced = userRecord(tenant, 'u1', 'Alicia', { claims: { name: 'Alicia' }, disabled: true, updatedAt: NOW + 9 });
      await u.upsert(replaced);
      assert.deepEqual(await u.get(tenant, 'u1'), replaced);
      assert.equal(await u.getByUsername(tenant, 'alice'), undefined);
      assert.equal((await u.getByUsername(tenant, 'alicia'))?.id, 'u1');

      await assert.rejects(u.upsert(userRecord(tenant, 'u2', 'ALICIA')));
      assert.equal(await u.get(tenant, 'u2'), undefined);
    });

    it('setPassword and delete report whether a user changed', async () => {
      const tenant = freshTenant();
      const u = storage().users;
      await u.upsert(userRecord(tenant, 'u1', 'bob'));
      assert.equal(await u.setPassword(tenant, 'u1', 'new-hash', NOW + 50), true);
      const after = await u.get(tenant, 'u1');
      assert.equal(after?.passwordHash, 'new-hash');
      assert.equal(after?.updatedAt, NOW + 50);
      assert.equal(await u.setPassword(tenant, 'missing', 'x', NOW), false);
      assert.equal(await u.delete(tenant, 'u1'), true);
      assert.equal(await u.delete(tenant, 'u1'), false);
      assert.equal(await u.getByUsername(tenant, 'bob'), undefined);
    });

    it('is invisible from another tenant; usernames are unique per tenant only', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const u = storage().users;
      await u.upsert(userRecord(a, 'u1', 'carol'));
      assert.equal(await u.get(b, 'u1'), undefined);
      assert.equal(await u.getByUsername(b, 'carol'), undefined);
      assert.deepEqual((await u.list(b)).items, []);
      assert.equal(await u.setPassword(b, 'u1', 'x', NOW), false);
      assert.equal(await u.delete(b, 'u1'), false);
      await u.upsert(userRecord(b, 'u9', 'Carol'));
      assert.equal((await u.getByUsername(a, 'CAROL'))?.id, 'u1');
      assert.equal((await u.getByUsername(b, 'CAROL'))?.id, 'u9');
    });

    it('pages by id with a cursor', async () => {
      const tenant = freshTenant();
      const u = storage().users;
      for (const id of ['u3', 'u1', 'u5', 'u2', 'u4']) await u.upsert(userRecord(tenant, id, `name-${id}`));
      const p1 = await u.list(tenant, { limit: 2 });
      assert.deepEqual(p1.items.map((x) => x.id), ['u1', 'u2']);
      assert.equal(p1.next, 'u2');
      const p2 = await u.list(tenant, { limit: 2, cursor: 'u2' });
      assert.deepEqual(p2.items.map((x) => x.id), ['u3', 'u4']);
      assert.equal(p2.next, 'u4');
      const p3 = await u.list(tenant, { limit: 2, cursor: 'u4' });
      assert.deepEqual(p3.items.map((x) => x.id), ['u5']);
      assert.equal(p3.next, undefined);
    });
  });
}
