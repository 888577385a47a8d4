/**
 * Cleanup across instances: two storages on one PostgreSQL schema stand for two instances.
 * Only the holder of the advisory lock sweeps; expired rows go in bounded batches.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseConfig } from '../../src/config/load.ts';
import { cleanupRound } from '../../src/ops/cleanup.ts';
import { openStorage } from '../../src/storage/open.ts';
import type { Storage } from '../../src/storage/types.ts';
import { Deployment, services } from './harness.ts';

const found = services();
const skip = typeof found === 'string' ? found : false;
const NOW = 1_800_000_000;

describe('cleanup over PostgreSQL', { skip }, () => {
  let deployment: Deployment;
  let a: Storage;
  let b: Storage;
  const config = parseConfig({ operations: { cleanupBatch: 100 } });

  before(async () => {
    if (typeof found === 'string') return;
    deployment = new Deployment(found);
    await deployment.init();
    a = await openStorage(deployment.databaseUrl);
    await a.migrate();
    b = await openStorage(deployment.databaseUrl);
  });

  after(async () => {
    await a?.close();
    await b?.close();
    if (deployment) await deployment.close();
  });

  it('runs at one instance at a time: the other skips while the lock is held', async () => {
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const first = a.exclusive('cleanup', async () => {
      entered();
      await held;
      return 'a';
    });
    await inside;
    assert.equal(await cleanupRound({ storage: b, config, now: () => NOW }), undefined, 'B skips while A holds the lock');
    release();
    assert.equal(await first, 'a');
    assert.equal(await cleanupRound({ storage: b, config, now: () => NOW }), 0, 'B runs once A let go');
  });

  it('deletes expired rows in batches and keeps live ones', async () => {
    for (let i = 0; i < 250; i++) assert.equal(await a.replay.remember('t1', 'jti', `old-${i}`, NOW - 10, NOW - 20), true);
    assert.equal(await a.replay.remember('t1', 'jti', 'live', NOW + 60, NOW), true);
    // 100 per statement: 100 + 100 + 50, then an empty batch ends the round.
    assert.equal(await cleanupRound({ storage: b, config, now: () => NOW }), 250);
    const rows = await deployment.query<{ key: string }>('select key from replay');
    assert.deepEqual(rows.map((r) => r.key), ['live']);
    assert.equal(await a.replay.remember('t1', 'jti', 'live', NOW + 60, NOW), false, 'a live entry still counts as seen');
  });
});
