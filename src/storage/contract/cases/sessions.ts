/** Contract: browser sessions and their client lists. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { freshTenant, NOW, sessionRecord, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function sessionCases(open: OpenStorage): void {
  describe('sessions', () => {
    const storage = useStorage(open);

    it('get returns undefined when missing and round-trips every field', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      assert.equal(await s.get(tenant, 'sid'), undefined);
      const record = sessionRecord(tenant, 'sid', { acr: 'urn:acr:2', amr: ['pwd', 'hwk'], clients: ['c-a', 'c-b'] });
      await s.insert(record);
      assert.deepEqual(await s.get(tenant, 'sid'), record);
    });

    it('findByCookie returns only live sessions', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      await s.insert(sessionRecord(tenant, 'live'));
      await s.insert(sessionRecord(tenant, 'ended', { endedAt: NOW - 1 }));
      await s.insert(sessionRecord(tenant, 'expiring', { expiresAt: NOW + 10 }));
      assert.equal((await s.findByCookie(tenant, 'cookie-live', NOW))?.id, 'live');
      assert.equal(await s.findByCookie(tenant, 'cookie-ended', NOW), undefined);
      assert.equal((await s.findByCookie(tenant, 'cookie-expiring', NOW + 9))?.id, 'expiring');
      assert.equal(await s.findByCookie(tenant, 'cookie-expiring', NOW + 10), undefined);
      assert.equal(await s.findByCookie(tenant, 'nope', NOW), undefined);
    });

    it('findByCookie returns the whole record with its clients, sorted', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      const record = sessionRecord(tenant, 'sid', { acr: 'urn:acr:2', amr: ['pwd', 'hwk'], clients: ['c-b', 'c-a', 'c-c'] });
      await s.insert(record);
      assert.deepEqual(await s.findByCookie(tenant, 'cookie-sid', NOW), { ...record, clients: ['c-a', 'c-b', 'c-c'] });
      await s.insert(sessionRecord(tenant, 'alone'));
      assert.deepEqual((await s.findByCookie(tenant, 'cookie-alone', NOW))?.clients, []);
    });

    it('end: true when live, then false; the ended session stays readable by id', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      await s.insert(sessionRecord(tenant, 'sid'));
      await s.insert(sessionRecord(tenant, 'old', { expiresAt: NOW }));
      assert.equal(await s.end(tenant, 'sid', NOW + 1), true);
      assert.equal(await s.end(tenant, 'sid', NOW + 2), false);
      assert.equal((await s.get(tenant, 'sid'))?.endedAt, NOW + 1);
      assert.equal(await s.findByCookie(tenant, 'cookie-sid', NOW + 1), undefined);
      assert.equal(await s.end(tenant, 'old', NOW), false);
      assert.equal(await s.end(tenant, 'nope', NOW), false);
    });

    it('addClient is idempotent and a no-op for a missing session', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      await s.insert(sessionRecord(tenant, 'sid', { clients: ['c-1'] }));
      await s.addClient(tenant, 'sid', 'c-2');
      await s.addClient(tenant, 'sid', 'c-2');
      await s.addClient(tenant, 'sid', 'c-1');
      await Promise.all(Array.from({ length: 5 }, () => s.addClient(tenant, 'sid', 'c-3')));
      assert.deepEqual((await s.get(tenant, 'sid'))?.clients.slice().sort(), ['c-1', 'c-2', 'c-3']);
      await s.addClient(tenant, 'missing', 'c-1');
      assert.equal(await s.get(tenant, 'missing'), undefined);
    });

    it('listBySub returns live sessions of the subject, newest first', async () => {
      const tenant = freshTenant();
      const s = storage().sessions;
      await s.insert(sessionRecord(tenant, 's1', { createdAt: NOW - 30 }));
      await s.insert(sessionRecord(tenant, 's2', { createdAt: NOW - 10, clients: ['c-9'] }));
      await s.insert(sessionRecord(tenant, 's3', { createdAt: NOW - 20 }));
      await s.insert(sessionRecord(tenant, 'ended', { createdAt: NOW - 5, endedAt: NOW - 1 }));
      await s.insert(sessionRecord(tenant, 'expired', { createdAt: NOW - 5, expiresAt: NOW }));
      await s.insert(sessionRecord(tenant, 'other', { sub: 'user-2' }));
      const list = await s.listBySub(tenant, 'user-1', NOW);
      assert.deepEqual(list.map((x) => x.id), ['s2', 's3', 's1']);
      assert.deepEqual(list[0]?.clients, ['c-9']);
      assert.deepEqual(await s.listBySub(tenant, 'nobody', NOW), []);
    });

    it('is isolated per tenant', async () => {
      const a = freshTenant('a');
      const b = freshTenant('b');
      const s = storage().sessions;
      await s.insert(sessionRecord(a, 'sid'));
      assert.equal(await s.get(b, 'sid'), undefined);
      assert.equal(await s.findByCookie(b, 'cookie-sid', NOW), undefined);
      assert.deepEqual(await s.listBySub(b, 'user-1', NOW), []);
      assert.equal(await s.end(b, 'sid', NOW), false);
      await s.addClient(b, 'sid', 'c-x');
      const inA = await s.get(a, 'sid');
      assert.deepEqual(inA?.clients, []);
      assert.equal(inA?.endedAt, null);
    });
  });
}
