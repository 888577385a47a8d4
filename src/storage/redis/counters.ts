import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { SharedCounters } from '../../security/login-throttle.ts';

interface Seen {
  count: number;
  /** Epoch ms when the counter's window ends. */
  until: number;
}

/** Upper bound on counters mirrored in memory, so a flood of distinct keys cannot exhaust it. */
const MAX_SEEN = 100_000;

/**
 * Failure counters shared by every instance: one `INCR` + `EXPIRE … NX` per failure (a fixed
 * window that starts at the first failure), `DEL` on success. Each process mirrors the
 * counters it has touched: every throttle reads the counter before deciding and waits for its
 * failures to be counted (`sync`, `add`), so every instance's failures count at once; `view`
 * answers from that mirror. Redis errors leave the local throttle in charge.
 */
export function redisCounters(redis: Redis): SharedCounters {
  const seen = new Map<string, Seen>();
  const reading = new Set<string>();
  const keyOf = (name: string, key: string) => `throttle:${name}:${createHash('sha256').update(key).digest('base64url')}`;
  const remember = (id: string, count: number, ttlMs: number) => {
    if (!seen.has(id) && seen.size >= MAX_SEEN) seen.clear();
    if (count <= 0 || ttlMs <= 0) seen.delete(id);
    else seen.set(id, { count, until: Date.now() + ttlMs });
  };
  const read = (id: string): Promise<void> =>
    redis
      .multi()
      .get(id)
      .pttl(id)
      .exec()
      .then((replies) => remember(id, Number(replies?.[0]?.[1] ?? 0), Number(replies?.[1]?.[1] ?? -2)))
      .catch(() => {});
  const refresh = (id: string) => {
    if (reading.has(id) || reading.size >= MAX_SEEN) return;
    reading.add(id);
    void read(id).finally(() => reading.delete(id));
  };
  return {
    view(name, key) {
      const id = keyOf(name, key);
      const entry = seen.get(id);
      const now = Date.now();
      refresh(id);
      if (!entry || entry.until <= now) return undefined;
      return { count: entry.count, retryAfter: Math.max(1, Math.ceil((entry.until - now) / 1000)) };
    },
    sync(name, key) {
      return read(keyOf(name, key));
    },
    add(name, key, windowSeconds) {
      const id = keyOf(name, key);
      return redis
        .multi()
        .incr(id)
        .call('EXPIRE', id, String(windowSeconds), 'NX')
        .pttl(id)
        .exec()
        .then((replies) => remember(id, Number(replies?.[0]?.[1] ?? 0), Number(replies?.[2]?.[1] ?? -2)))
        .catch(() => {});
    },
    clear(name, key) {
      const id = keyOf(name, key);
      seen.delete(id);
      redis.del(id).catch(() => {});
    },
  };
}
