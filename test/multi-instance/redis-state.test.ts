/**
 * The Redis side of the shared ephemeral state: the replay cache's single-use answer (also
 * under concurrency), expiry, key prefixes keeping deployments apart, and the shared failure
 * counters behind the login throttle.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import type { Redis } from 'ioredis';
import { openRedis } from '../../src/storage/redis/client.ts';
import { redisCounters } from '../../src/storage/redis/counters.ts';
import { redisReplayRepo } from '../../src/storage/redis/replay.ts';
import { services } from './harness.ts';

const found = services();
const skip = typeof found === 'string' ? found : false;
const NOW = 1_800_000_000;

describe('Redis-backed replay cache and counters', { skip }, () => {
  const prefix = `portcullis-test-${randomUUID()}:`;
  let one: Redis;
  let other: Redis;
  let foreign: Redis;
  /** Sees full key names (no prefix): for inspection and cleanup. */
  let raw: Redis;

  before(async () => {
    if (typeof found === 'string') return;
    one = await openRedis(found.redisUrl, prefix);
    other = await openRedis(found.redisUrl, prefix);
    foreign = await openRedis(found.redisUrl, `${prefix}other:`);
    raw = await openRedis(found.redisUrl, '');
  });

  after(async () => {
    if (!raw) return;
    const keys = await raw.keys(`${prefix}*`);
    if (keys.length) await raw.del(...keys);
    for (const r of [one, other, foreign, raw]) r.disconnect();
  });

  it('accepts a value once across connections, and once only under concurrency', async () => {
    const a = redisReplayRepo(one);
    const b = redisReplayRepo(other);
    assert.equal(await a.remember('t1', 'dpop:jkt', 'jti-1', NOW + 60, NOW), true);
    assert.equal(await b.remember('t1', 'dpop:jkt', 'jti-1', NOW + 60, NOW), false);
    // Other tenants and namespaces are separate.
    assert.equal(await b.remember('t2', 'dpop:jkt', 'jti-1', NOW + 60, NOW), true);
    assert.equal(await b.remember('t1', 'client_assertion:c', 'jti-1', NOW + 60, NOW), true);

    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a : b).remember('t1', 'jti', 'raced', NOW + 60, NOW)));
    assert.equal(results.filter(Boolean).length, 1);
  });

  it('lets Redis expire entries, and keeps deployments with other prefixes apart', async () => {
    const repo = redisReplayRepo(one);
    assert.equal(await repo.remember('t1', 'jti', 'short', NOW + 5, NOW), true);
    const keys = await raw.keys(`${prefix}replay:*`);
    assert.ok(keys.length >= 4, 'entries are stored under the prefix');
    const ttls = await Promise.all(keys.map((k) => raw.ttl(k)));
    assert.ok(ttls.every((t) => t > 0 && t <= 60), `every entry expires: ${ttls.join(',')}`);
    assert.equal(await redisReplayRepo(foreign).remember('t1', 'jti', 'short', NOW + 60, NOW), true, 'another prefix is another deployment');
  });

  it('shares failure counters: one process counts, another sees the count after sync, success clears it', async () => {
    const a = redisCounters(one);
    const b = redisCounters(other);
    const key = `default:${randomUUID()}`;
    await a.add('login-user', key, 300);
    await a.add('login-user', key, 300);
    await b.add('login-user', key, 300);
    assert.equal(a.view('login-user', key)?.count, 2, 'a mirrors what it counted');
    await a.sync('login-user', key);
    const seen = a.view('login-user', key);
    assert.equal(seen?.count, 3);
    assert.ok((seen?.retryAfter ?? 0) > 0 && (seen?.retryAfter ?? 0) <= 300);
    b.clear('login-user', key);
    await b.sync('login-user', key);
    await a.sync('login-user', key);
    assert.equal(a.view('login-user', key), undefined);
  });
});
