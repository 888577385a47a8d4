/** Contract: migrations, ping, and the sweeper's bounded deletes. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeRecord, grantRecord, keyRecord, NOW, sessionRecord, tokenRecord, useStorage } from '../fixtures.ts';
import type { OpenStorage } from '../fixtures.ts';

export function lifecycleCases(open: OpenStorage): void {
  describe('migrate and ping', () => {
    it('migrate applies every migration once; a second call applies nothing', async () => {
      const storage = await open();
      try {
        const first = await storage.migrate();
        assert.ok(first.length > 0);
        assert.equal(first[0], '0001-initial');
        assert.deepEqual(await storage.migrate(), []);
        await storage.ping();
      } finally {
        await storage.close();
      }
    });

    it('ping rejects once closed', async () => {
      const storage = await open();
      await storage.close();
      await assert.rejects(storage.ping());
    });
  });

  describe('sweep', () => {
    const storage = useStorage(open);
    const T = 'sweep';

    it('deletes expired rows in bounded batches and leaves live rows', async () => {
      const s = storage();
      const past = NOW - 1;
      for (let i = 0; i < 5; i++) await s.codes.insert(codeRecord(T, `code-x${i}`, { expiresAt: past }));
      for (let i = 0; i < 3; i++) await s.tokens.insert(tokenRecord(T, `tok-x${i}`, { expiresAt: past, consumedAt: past - 1 }));
      for (let i = 0; i < 2; i++) await s.grants.insert(grantRecord(T, `grant-x${i}`, { expiresAt: past }));
      for (let i = 0; i < 3; i++) await s.sessions.insert(sessionRecord(T, `sess-x${i}`, { expiresAt: past, clients: ['c-1', 'c-2'] }));
      for (let i = 0; i < 4; i++) assert.equal(await s.replay.remember(T, 'jti', `r-x${i}`, past, past - 10), true);
      await s.keys.insert(keyRecord(T, 'key-x0', 'RS256', { status: 'retired', expiresAt: past }));
      await s.keys.insert(keyRecord(T, 'key-x1', 'RS256', { status: 'retired', expiresAt: past }));
      await s.keys.insert(keyRecord(T, 'key-x2', 'RS256', { status: 'retired', expiresAt: past }));

      await s.codes.insert(codeRecord(T, 'code-live'));
      await s.tokens.insert(tokenRecord(T, 'tok-live'));
      await s.grants.insert(grantRecord(T, 'grant-live'));
      await s.sessions.insert(sessionRecord(T, 'sess-live'));
      await s.replay.remember(T, 'jti', 'r-live', NOW + 60, NOW);
      await s.keys.insert(keyRecord(T, 'key-active', 'RS256'));
      await s.keys.insert(keyRecord(T, 'key-retired-live', 'RS256', { status: 'retired', expiresAt: NOW + 60 }));

      // Expired per table: codes 5, tokens 3, grants 2, sessions 3, replay 4, keys 3.
      assert.equal(await s.sweep(NOW, 0), 0);
      assert.equal(await s.sweep(NOW, 2), 2 + 2 + 2 + 2 + 2 + 2);
      assert.equal(await s.sweep(NOW, 2), 2 + 1 + 0 + 1 + 2 + 1);
      assert.equal(await s.sweep(NOW, 2), 1);
      assert.equal(await s.sweep(NOW, 2), 0);

      assert.equal((await s.codes.consume(T, 'code-live', NOW)).status, 'ok');
      assert.ok(await s.tokens.find(T, 'tok-live'));
      assert.ok(await s.grants.get(T, 'grant-live'));
      assert.ok(await s.sessions.findByCookie(T, 'cookie-sess-live', NOW));
      assert.equal(await s.replay.remember(T, 'jti', 'r-live', NOW + 60, NOW), false);
      assert.deepEqual((await s.keys.listPublished(T, NOW)).map((k) => k.kid), ['key-active', 'key-retired-live']);

      assert.equal(await s.tokens.find(T, 'tok-x0'), undefined);
      assert.equal(await s.grants.get(T, 'grant-x0'), undefined);
      assert.equal(await s.sessions.get(T, 'sess-x0'), undefined);
      assert.equal((await s.codes.consume(T, 'code-x0', past - 1)).status, 'missing');
      // A swept replay key is forgotten.
      assert.equal(await s.replay.remember(T, 'jti', 'r-x0', NOW + 60, NOW), true);
      // A swept session's client list went with it.
      await s.sessions.insert(sessionRecord(T, 'sess-x0'));
      assert.deepEqual((await s.sessions.get(T, 'sess-x0'))?.clients, []);
    });
  });
}
