/**
 * The outbox dispatcher against real HTTP receivers: capped attempts with backoff, the
 * per-client circuit breaker, leases that outlive a crashed dispatcher, and several
 * dispatchers on one database delivering each row once. A fake millisecond clock makes the
 * schedule deterministic where it matters.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import type { Services } from '../../src/context.ts';
import { retryDelayMs, breakerCooldownMs } from '../../src/outbox/backoff.ts';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { openStorage } from '../../src/storage/open.ts';
import type { OutboxInsert, Storage } from '../../src/storage/types.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { Receiver } from './helpers.ts';

let seq = 0;
function row(clientId: string, targetUrl: string, maxAttempts = 10): OutboxInsert {
  seq++;
  return { id: `row-${seq}-${clientId}`, tenantId: 'default', clientId, kind: 'test_ping', targetUrl, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ n: seq }), maxAttempts, createdAt: 1 };
}

class FakeClock {
  t = 1_000_000;
  now = (): number => this.t;
}

describe('outbox dispatcher', () => {
  let server: TestServer;
  let down: Receiver;
  let up: Receiver;
  const running: OutboxDispatcher[] = [];

  function dispatcher(services: Services, clock: FakeClock, extra: Parameters<typeof startOutboxDispatcher>[1] = {}): OutboxDispatcher {
    // A poll interval longer than any test: only runOnce() moves these.
    const d = startOutboxDispatcher(services, { clockMs: clock.now, pollIntervalMs: 60_000, retryBaseMs: 1000, retryMaxMs: 8000, breakerThreshold: 2, breakerCooldownMs: 10_000, concurrency: 1, random: () => 1, ...extra });
    running.push(d);
    return d;
  }

  before(async () => {
    down = new Receiver(await freePort());
    up = new Receiver(await freePort());
    await down.start();
    await up.start();
    server = await startServer();
  });
  after(async () => {
    for (const d of running) await d.stop();
    await server.close();
    await down.stop();
    await up.stop();
  });

  it('spaces retries exponentially with jitter, capped', () => {
    const policy = { maxAttempts: 10, retryBaseMs: 1000, retryMaxMs: 8000, breakerThreshold: 2, breakerCooldownMs: 10_000 };
    assert.equal(retryDelayMs(policy, 1, () => 1), 1000);
    assert.equal(retryDelayMs(policy, 1, () => 0), 500);
    assert.equal(retryDelayMs(policy, 3, () => 1), 4000);
    assert.equal(retryDelayMs(policy, 30, () => 1), 8000, 'capped');
    const spread = new Set(Array.from({ length: 20 }, (_, i) => retryDelayMs(policy, 4, () => i / 20)));
    assert.ok(spread.size > 10, 'jitter spreads retries');
    assert.equal(breakerCooldownMs(policy, 2), 10_000);
    assert.equal(breakerCooldownMs({ ...policy, retryMaxMs: 60_000 }, 3), 20_000, 'doubles per failed probe');
    assert.equal(breakerCooldownMs(policy, 3), 10_000, 'capped by the longer of the cool-down and the longest retry delay');
  });

  it('gives up after maxAttempts, keeps the row as failed, and sends it again after retry', async () => {
    const storage = server.runtime.services.storage;
    const clock = new FakeClock();
    const d = dispatcher(server.runtime.services, clock, { breakerThreshold: 100 });
    down.status = 500;
    const r = row('capped', `${down.url}/capped`, 3);
    await storage.outbox.enqueue([r]);
    const posts = () => down.posts('/capped').length;

    assert.equal(await d.runOnce(), 1);
    assert.equal(posts(), 1);
    clock.t += 999;
    assert.equal(await d.runOnce(), 0, 'not due before the backoff (1000 ms after the first failure)');
    clock.t += 1;
    assert.equal(await d.runOnce(), 1);
    clock.t += 1999;
    assert.equal(await d.runOnce(), 0, 'the second retry waits twice as long');
    clock.t += 1;
    assert.equal(await d.runOnce(), 1);
    assert.equal(posts(), 3);
    clock.t += 1_000_000;
    assert.equal(await d.runOnce(), 0, 'no attempts after the cap');
    const [failed] = await storage.outbox.list({ status: 'failed', kind: 'test_ping' });
    assert.equal(failed?.id, r.id);
    assert.equal(failed?.attempts, 3);
    assert.equal(failed?.lastStatus, 500);
    assert.equal(failed?.lastError, 'HTTP 500');

    down.status = 200;
    assert.equal(await storage.outbox.retry(r.tenantId, r.id), true);
    assert.equal(await d.runOnce(), 1);
    assert.equal(posts(), 4);
    const body = down.posts('/capped')[3];
    assert.equal(body?.body, r.body);
    assert.equal(body?.contentType, 'application/json');
    const [delivered] = await storage.outbox.list({ status: 'delivered', kind: 'test_ping' });
    assert.equal(delivered?.id, r.id);
  });

  it('opens a per-client circuit breaker, probes once after the cool-down, and keeps other clients flowing', async () => {
    const storage = server.runtime.services.storage;
    const clock = new FakeClock();
    const d = dispatcher(server.runtime.services, clock);
    down.status = 500;
    const bad = Array.from({ length: 5 }, () => row('flaky', `${down.url}/flaky`));
    const good = row('healthy', `${up.url}/healthy`);
    await storage.outbox.enqueue([...bad, good]);
    const posts = () => down.posts('/flaky').length;

    await d.runOnce();
    assert.equal(posts(), 1, 'after one failure the client gets no more attempts in the batch');
    assert.equal(up.posts('/healthy').length, 1, 'other clients are not held up');
    clock.t += 1000;
    await d.runOnce();
    assert.equal(posts(), 2);
    const open = (await storage.outbox.breakers('default')).find((b) => b.clientId === 'flaky');
    assert.ok(open && open.failures === 2 && open.openUntilMs > clock.t, 'the breaker opened at the threshold');
    for (let i = 0; i < 5; i++) {
      clock.t += 1000;
      await d.runOnce();
    }
    assert.equal(posts(), 2, 'an open breaker sends nothing');
    const pending = await storage.outbox.list({ status: 'pending', kind: 'test_ping' });
    assert.ok(pending.filter((p) => p.clientId === 'flaky').every((p) => p.attempts <= 2), 'waiting behind the breaker costs no attempts');

    down.status = 200;
    clock.t += 10_000;
    await d.runOnce();
    assert.equal(posts(), 3, 'one probe after the cool-down');
    assert.equal((await storage.outbox.breakers('default')).some((b) => b.clientId === 'flaky'), false, 'a success closes the breaker');
    await d.runOnce();
    clock.t += 10_000;
    await d.runOnce();
    assert.equal(posts(), 7, 'every row delivered once the endpoint is back');
    const counts = await storage.outbox.counts({ kind: 'test_ping' });
    assert.equal(counts.pending, 0);
  });

  it('retries a row whose dispatcher died mid-delivery once its lease lapses', async () => {
    const storage = server.runtime.services.storage;
    const clock = new FakeClock();
    up.status = 200;
    const r = row('lease', `${up.url}/lease`);
    await storage.outbox.enqueue([r]);
    const claimed = await storage.outbox.claim({ owner: 'crashed', nowMs: clock.t, leaseMs: 30_000, limit: 100, breakerThreshold: 5 });
    assert.ok(claimed.some((c) => c.id === r.id));
    const d = dispatcher(server.runtime.services, clock);
    await d.runOnce();
    assert.equal(up.posts('/lease').length, 0, 'leased to another dispatcher');
    clock.t += 30_000;
    await d.runOnce();
    assert.equal(up.posts('/lease').length, 1);
    assert.equal(await storage.outbox.succeed(r.id, 'crashed', clock.t, 200), false, 'the crashed owner cannot record an outcome any more');
  });

  it('delivers each row once with two dispatchers on two connections to one database', async () => {
    const path = join(server.dir, 'portcullis.db');
    const second: Storage = await openStorage(`sqlite:${path}`);
    try {
      const otherServices: Services = { ...server.runtime.services, storage: second, log: pino({ level: 'silent' }) };
      up.status = 200;
      const rows = Array.from({ length: 40 }, (_, i) => row(`multi-${i % 4}`, `${up.url}/multi`));
      await server.runtime.services.storage.outbox.enqueue(rows);
      const a = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 5, batchSize: 3, concurrency: 2 });
      const b = startOutboxDispatcher(otherServices, { pollIntervalMs: 5, batchSize: 3, concurrency: 2 });
      running.push(a, b);
      await up.until(() => up.posts('/multi').length >= 40);
      await a.stop();
      await b.stop();
      const bodies = up.posts('/multi').map((p) => p.body);
      assert.equal(bodies.length, 40, 'no row was sent twice');
      assert.equal(new Set(bodies).size, 40);
      const counts = await second.outbox.counts({ kind: 'test_ping' });
      assert.equal(counts.pending, 0);
    } finally {
      await second.close();
    }
  });
});
