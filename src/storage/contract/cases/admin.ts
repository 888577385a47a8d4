/** Contract: initial access tokens, the audit log and the admin queries (filters, keyset pages, bulk changes). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientRecord, freshTenant, grantRecord, NOW, useStorage, userRecord } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function adminCases(open: OpenStorage): void {
  describe('initial access tokens', () => {
    const storage = useStorage(open);

    it('finds live tokens by hash only, and revokes once', async () => {
      const t = freshTenant();
      const repo = storage().initialAccessTokens;
      const base = { tenantId: t, label: 'x', createdAt: NOW, revokedAt: null };
      await repo.insert({ ...base, id: 'a', hash: 'h-a', expiresAt: null });
      await repo.insert({ ...base, id: 'b', hash: 'h-b', expiresAt: NOW + 10 });
      assert.equal((await repo.findLive(t, 'h-a', NOW))?.id, 'a');
      assert.equal((await repo.findLive(t, 'h-b', NOW + 9))?.id, 'b');
      assert.equal(await repo.findLive(t, 'h-b', NOW + 10), undefined, 'expired');
      assert.equal(await repo.findLive(freshTenant(), 'h-a', NOW), undefined, 'other tenant');
      assert.equal(await repo.revoke(t, 'a', NOW), true);
      assert.equal(await repo.revoke(t, 'a', NOW), false);
      assert.equal(await repo.findLive(t, 'h-a', NOW), undefined);
      const page = await repo.list(t, { limit: 1 });
      assert.deepEqual(page.items.map((x) => x.id), ['a']);
      assert.equal(page.next, 'a');
      assert.deepEqual((await repo.list(t, { cursor: 'a' })).items.map((x) => x.id), ['b']);
    });
  });

  describe('audit log', () => {
    const storage = useStorage(open);

    it('lists newest first with filters and cursors, per tenant or across tenants', async () => {
      const t = freshTenant();
      const other = freshTenant();
      const repo = storage().audit;
      const entry = (tenantId: string, id: string, action: string, at: number) => ({ tenantId, id, at, actor: 'admin-user:1', action, targetType: 'client', targetId: `c-${id}`, detail: { n: id } });
      await repo.append(entry(t, '0001', 'client.create', NOW));
      await repo.append(entry(t, '0002', 'client.update', NOW + 1));
      await repo.append(entry(t, '0003', 'client.update', NOW + 2));
      await repo.append(entry(other, '0004', 'client.create', NOW + 3));
      assert.deepEqual((await repo.list(t)).items.map((e) => e.id), ['0003', '0002', '0001']);
      assert.deepEqual((await repo.list(t, { action: 'client.update' })).items.map((e) => e.id), ['0003', '0002']);
      assert.deepEqual((await repo.list(t, { since: NOW + 1, until: NOW + 2 })).items.map((e) => e.id), ['0002']);
      assert.deepEqual((await repo.list(t, { targetId: 'c-0001' })).items[0]?.detail, { n: '0001' });
      const first = await repo.list(t, { limit: 2 });
      assert.equal(first.next, '0002');
      assert.deepEqual((await repo.list(t, { cursor: first.next ?? '' })).items.map((e) => e.id), ['0001']);
      const all = (await repo.list(undefined, { limit: 500 })).items.map((e) => e.id);
      assert.ok(all.indexOf('0004') < all.indexOf('0003'));
    });
  });

  describe('admin queries', () => {
    const storage = useStorage(open);

    it('keeps admin memberships per tenant', async () => {
      const t = freshTenant();
      const admin = storage().admin;
      assert.equal(await admin.isAdmin(t, 'u1'), false);
      await admin.addAdmin(t, 'u1', NOW);
      await admin.addAdmin(t, 'u1', NOW);
      assert.equal(await admin.isAdmin(t, 'u1'), true);
      assert.equal(await admin.isAdmin(freshTenant(), 'u1'), false);
      assert.equal(await admin.removeAdmin(t, 'u1'), true);
      assert.equal(await admin.removeAdmin(t, 'u1'), false);
    });

    it('claims a setting exactly once', async () => {
      const key = `k-${freshTenant()}`;
      const results = await Promise.all([1, 2, 3].map(() => storage().admin.claimSetting(key, 'v', NOW)));
      assert.deepEqual(results.filter(Boolean).length, 1);
    });

    it('filters clients by prefix and source, users by username prefix, with keyset pages', async () => {
      const t = freshTenant();
      const s = storage();
      for (const id of ['app-1', 'app-2', 'app-3', 'svc-1']) await s.clients.upsert(clientRecord(t, id, { source: id === 'app-2' ? 'registration' : 'admin' }));
      const page = await s.admin.listClients(t, { prefix: 'app-', limit: 2 });
      assert.deepEqual(page.items.map((c) => c.clientId), ['app-1', 'app-2']);
      assert.deepEqual((await s.admin.listClients(t, { prefix: 'app-', cursor: page.next ?? '' })).items.map((c) => c.clientId), ['app-3']);
      assert.deepEqual((await s.admin.listClients(t, { source: 'registration' })).items.map((c) => c.clientId), ['app-2']);
      await s.users.upsert(userRecord(t, 'u-1', 'Zed'));
      await s.users.upsert(userRecord(t, 'u-2', 'alice'));
      await s.users.upsert(userRecord(t, 'u-3', 'Albert'));
      assert.deepEqual((await s.admin.listUsers(t)).items.map((u) => u.username), ['Albert', 'alice', 'Zed']);
      assert.deepEqual((await s.admin.listUsers(t, { prefix: 'AL' })).items.map((u) => u.username), ['Albert', 'alice']);
    });

    it('revokes a client\'s or a user\'s grants in bulk', async () => {
      const t = freshTenant();
      const s = storage();
      await s.grants.insert(grantRecord(t, 'g1', { clientId: 'c1', sub: 'u1' }));
      await s.grants.insert(grantRecord(t, 'g2', { clientId: 'c1', sub: 'u2' }));
      await s.grants.insert(grantRecord(t, 'g3', { clientId: 'c2', sub: 'u2' }));
      assert.equal(await s.admin.revokeClientGrants(t, 'c1', NOW), 2);
      assert.equal(await s.admin.revokeClientGrants(t, 'c1', NOW), 0);
      assert.equal(await s.admin.revokeUserGrants(t, 'u2', NOW), 1);
      assert.notEqual((await s.grants.get(t, 'g3'))?.revokedAt, null);
    });

    it('pages tenants by slug and deletes a tenant with its rows', async () => {
      const s = storage();
      const id = freshTenant();
      await s.tenants.upsert({ id, slug: `zz-${id}`, name: 'Z', createdAt: NOW });
      await s.clients.upsert(clientRecord(id, 'c'));
      assert.deepEqual((await s.admin.listTenants({ prefix: `zz-${id}` })).items.map((x) => x.id), [id]);
      assert.equal(await s.admin.deleteTenant(id), true);
      assert.equal(await s.tenants.getById(id), undefined);
      assert.equal(await s.clients.get(id, 'c'), undefined);
      assert.equal(await s.admin.deleteTenant(id), false);
    });
  });
}
