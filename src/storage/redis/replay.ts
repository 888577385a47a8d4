import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { ReplayRepo } from '../types.ts';

/**
 * Replay cache on Redis: one `SET key 1 EX ttl NX` per check, atomic across every instance
 * that shares the server. The key is a hash of (tenant, namespace, value), so client-chosen
 * values (a `jti`) of any length cost the same few bytes. Redis expires entries itself.
 */
export function redisReplayRepo(redis: Redis): ReplayRepo {
  return {
    async remember(tenantId, namespace, key, expiresAt, now) {
      const id = createHash('sha256').update(`${tenantId}\u0000${namespace}\u0000${key}`).digest('base64url');
      // An entry already past its expiry still counts once, as in the database version.
      const ttl = Math.max(1, Math.ceil(expiresAt - now));
      const set = await redis.set(`replay:${id}`, '1', 'EX', ttl, 'NX');
      return set === 'OK';
    },
  };
}
