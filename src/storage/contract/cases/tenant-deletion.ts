/** Contract: deleting a tenant removes its rows from every tenant-scoped table, and no one else's. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { OutboxInsert, Storage } from '../../types.ts';
import { clientRecord, codeRecord, freshTenant, grantRecord, keyRecord, NOW, sessionRecord, tokenRecord, useStorage, userRecord } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

const NOW_MS = NOW * 1000;

function delivery(tenantId: string, id: string): OutboxInsert {
  return { id: `${tenantId}-${id}`, tenantId, clientId: 'rp', kind: 'test', targetUrl: 'https://rp.example/hook', headers: {}, body: '{}', maxAttempts: 1, createdAt: NOW };
}

/** Writes one row into every tenant-scoped table, each through the repository that owns it. */
async function populate(s: Storage, t: string): Promise<void> {
  await s.tenants.upsert({ id: t, slug: `slug-${t}`, name: t, createdAt: NOW });
  await s.clients.upsert(clientRecord(t, 'rp'));
  await s.users.upsert(userRecord(t, 'u1', 'alice'));
  await s.keys.insert(keyRecord(t, 'k1', 'ES256'));
  await s.grants.insert(grantRecord(t, 'g1', { clientId: 'rp', sub: 'u1' }));
  await s.codes.insert(codeRecord(t, 'code-1', { grantId: 'g1', clientId: 'rp' }));
  await s.tokens.insert(tokenRecord(t, 'tok-1', { grantId: 'g1', clientId: 'rp' }));
  await s.sessions.insert(sessionRecord(t, 'sid-1'));
  await s.sessions.addClient(t, 'sid-1', 'rp');
  await s.consents.upsert({ tenantId: t, sub: 'u1', clientId: 'rp', scope: 'openid', createdAt: NOW, updatedAt: NOW });
  assert.equal(await s.replay.remember(t, 'jti', 'j1', NOW + 60, NOW), true);
  await s.initialAccessTokens.insert({ tenantId: t, id: 'iat-1', hash: 'iat-hash', label: 'x', createdAt: NOW, expiresAt: null, revokedAt: null });
  await s.admin.addAdmin(t, 'u1', NOW);
  await s.par.insert({ tenantId: t, hash: 'par-1', clientId: 'rp', params: { response_type: 'code' }, dpopJkt: null, expiresAt: NOW + 60, consumedAt: null, createdAt: NOW });
  const pollable = { clientId: 'rp', scope: 'openid', resources: [], status: 'pending' as const, grantId: null, interval: 5, lastPolledAt: null, expiresAt: NOW + 600, createdAt: NOW, decidedAt: null, consumedAt: null };
  await s.deviceCodes.insert({ ...pollable, tenantId: t, hash: 'dc-1', userCode: `UC-${t}` });
  await s.ciba.insert({ ...pollable, tenantId: t, hash: 'ciba-1', approvalHash: 'approve-1', sub: 'u1', acr: null, bindingMessage: null, deliveryMode: 'poll', notificationEncrypted: null });
  // One row fails once so the client's breaker row exists; another stays pending.
  await s.outbox.enqueue([delivery(t, 'failing'), delivery(t, 'pending')]);
  const claimed = await s.outbox.claim({ owner: 'o', nowMs: NOW_MS, leaseMs: 1000, limit: 50, breakerThreshold: 5 });
  for (const row of claimed) {
    if (row.id === `${t}-failing`) await s.outbox.fail(row.id, 'o', { nowMs: NOW_MS, status: 500, error: 'HTTP 500', retryAtMs: null, breakerThreshold: 5, breakerCooldownMs: () => 0 });
    else await s.outbox.release(row.id, 'o');
  }
}

/** What each table holds for tenant `t`, read back through the repositories. */
async function survivors(s: Storage, t: string): Promise<Record<string, boolean>> {
  // A re-inserted session starts with the clients left in session_clients.
  const sessionClients = async (): Promise<boolean> => {
    if (await s.sessions.get(t, 'sid-1')) return (await s.sessions.get(t, 'sid-1'))?.clients.length !== 0;
    await s.sessions.insert(sessionRecord(t, 'sid-1'));
    const left = (await s.sessions.get(t, 'sid-1'))?.clients.length !== 0;
    await s.sessions.end(t, 'sid-1', NOW);
    return left;
  };
  return {
    tenants: (await s.tenants.getById(t)) !== undefined,
    clients: (await s.clients.get(t, 'rp')) !== undefined,
    users: (await s.users.get(t, 'u1')) !== undefined,
    signing_keys: (await s.keys.listPublished(t, NOW)).length > 0,
    grants: (await s.grants.get(t, 'g1')) !== undefined,
    codes: (await s.codes.consume(t, 'code-1', NOW)).status !== 'missing',
    tokens: (await s.tokens.find(t, 'tok-1')) !== undefined,
    sessions: (await s.sessions.get(t, 'sid-1')) !== undefined,
    session_clients: await sessionClients(),
    consents: (await s.consents.get(t, 'u1', 'rp')) !== undefined,
    replay: !(await s.replay.remember(t, 'jti', 'j1', NOW + 60, NOW)),
    initial_access_tokens: (await s.initialAccessTokens.findLive(t, 'iat-hash', NOW)) !== undefined,
    admins: await s.admin.isAdmin(t, 'u1'),
    par_requests: (await s.par.findLive(t, 'par-1', NOW)) !== undefined,
    device_codes: (await s.deviceCodes.get(t, 'dc-1')) !== undefined,
    ciba_requests: (await s.ciba.get(t, 'ciba-1')) !== undefined,
    outbox: (await s.outbox.list({ tenantId: t })).length > 0,
    outbox_breakers: (await s.outbox.breakers(t)).length > 0,
  };
}

export function tenantDeletionCases(open: OpenStorage): void {
  describe('tenant deletion', () => {
    const storage = useStorage(open);

    it('removes the tenant\'s row from every tenant-scoped table and leaves other tenants alone', async () => {
      const s = storage();
      const doomed = freshTenant('doomed');
      const kept = freshTenant('kept');
      await populate(s, doomed);
      await populate(s, kept);
      const before = await survivors(s, doomed);
      assert.deepEqual(Object.keys(before).filter((table) => !before[table]), [], 'every table had a row before');

      assert.equal(await s.admin.deleteTenant(doomed), true);
      const after = await survivors(s, doomed);
      assert.deepEqual(Object.keys(after).filter((table) => after[table]), [], 'no table keeps a row of the deleted tenant');

      const other = await survivors(s, kept);
      assert.deepEqual(Object.keys(other).filter((table) => !other[table]), [], 'the other tenant keeps all its rows');
    });
  });
}
