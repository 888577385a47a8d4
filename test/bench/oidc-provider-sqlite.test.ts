/**
 * The benchmark's SQLite adapter for oidc-provider (bench/servers/oidc-provider-sqlite.ts),
 * call by call as oidc-provider's adapter interface describes them, on a real database file.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Sqlite from 'better-sqlite3';
import { sqliteAdapter } from '../../bench/servers/oidc-provider-sqlite.ts';

describe('bench: oidc-provider SQLite adapter', () => {
  const directory = mkdtempSync(join(tmpdir(), 'oidc-adapter-test-'));
  const path = join(directory, 'oidc.db');
  let storage: ReturnType<typeof sqliteAdapter>;
  const model = (name: string) => new storage.Adapter(name);

  before(() => {
    storage = sqliteAdapter(path);
  });
  after(async () => {
    await storage.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('keeps payloads per model, replaces them on upsert, and forgets expired ones', async () => {
    const codes = model('AuthorizationCode');
    await codes.upsert('c1', { kind: 'AuthorizationCode', jti: 'c1', scope: 'openid' }, 60);
    await codes.upsert('c2', { jti: 'c2' }, -1);
    await codes.upsert('c0', { jti: 'c0' }, 0);
    assert.deepEqual(await codes.find('c1'), { kind: 'AuthorizationCode', jti: 'c1', scope: 'openid' });
    assert.equal(await codes.find('c2'), undefined, 'expired');
    assert.equal(await codes.find('c0'), undefined, 'expired at once');
    assert.equal(await model('AccessToken').find('c1'), undefined, 'another model');
    await codes.upsert('c1', { jti: 'c1', scope: 'openid profile' }, 60);
    assert.deepEqual(await codes.find('c1'), { jti: 'c1', scope: 'openid profile' });
    await model('Client').upsert('no-expiry', { client_id: 'no-expiry' });
    assert.deepEqual(await model('Client').find('no-expiry'), { client_id: 'no-expiry' });
  });

  it('marks a consumed payload with the time it was consumed', async () => {
    const codes = model('AuthorizationCode');
    await codes.upsert('c3', { jti: 'c3' }, 60);
    const start = Math.floor(Date.now() / 1000);
    await codes.consume('c3');
    const found = await codes.find('c3');
    assert.equal(typeof found?.['consumed'], 'number');
    assert.ok((found?.['consumed'] as number) >= start);
    // An upsert replaces the whole payload, as in oidc-provider's memory adapter.
    await codes.upsert('c3', { jti: 'c3' }, 60);
    assert.deepEqual(await codes.find('c3'), { jti: 'c3' });
  });

  it('finds sessions by uid and device codes by user code, within their model', async () => {
    await model('Session').upsert('s1', { jti: 's1', uid: 'u-1' }, 60);
    await model('DeviceCode').upsert('d1', { jti: 'd1', userCode: 'ABCD-EFGH' }, 60);
    assert.deepEqual(await model('Session').findByUid('u-1'), { jti: 's1', uid: 'u-1' });
    assert.equal(await model('Interaction').findByUid('u-1'), undefined);
    assert.deepEqual(await model('DeviceCode').findByUserCode('ABCD-EFGH'), { jti: 'd1', userCode: 'ABCD-EFGH' });
    assert.equal(await model('DeviceCode').findByUserCode('ZZZZ-ZZZZ'), undefined);
  });

  it('destroys one payload, and every payload of a grant whatever its model', async () => {
    await model('AccessToken').upsert('a1', { jti: 'a1', grantId: 'g1' }, 60);
    await model('RefreshToken').upsert('r1', { jti: 'r1', grantId: 'g1' }, 60);
    await model('AccessToken').upsert('a2', { jti: 'a2', grantId: 'g2' }, 60);
    await model('Session').upsert('s2', { jti: 's2' }, 60);
    await model('Interaction').upsert('i1', { jti: 'i1', grantId: 'g1' }, 60);
    await model('Session').destroy('s2');
    assert.equal(await model('Session').find('s2'), undefined);
    await model('AccessToken').revokeByGrantId('g1');
    assert.equal(await model('AccessToken').find('a1'), undefined);
    assert.equal(await model('RefreshToken').find('r1'), undefined);
    assert.deepEqual(await model('AccessToken').find('a2'), { jti: 'a2', grantId: 'g2' });
    assert.deepEqual(await model('Interaction').find('i1'), { jti: 'i1', grantId: 'g1' }, 'not grantable');
  });

  it('writes a WAL database file, as Portcullis does', () => {
    const check = new Sqlite(path, { readonly: true });
    try {
      assert.equal(check.pragma('journal_mode', { simple: true }), 'wal');
      assert.ok((check.prepare('select count(*) as n from oidc_models').get() as { n: number }).n > 0);
    } finally {
      check.close();
    }
  });
});
