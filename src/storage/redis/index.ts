/**
 * With `redis` configured, the hot ephemeral state moves to Redis behind the same storage
 * interfaces: the replay cache (DPoP proofs, client assertions, request objects) here, login
 * and user-code rate limits in security/shared-throttle.ts. Readiness then covers Redis too.
 */
import type { Redis } from 'ioredis';
import type { Storage } from '../types.ts';
import { openRedis } from './client.ts';
import { redisReplayRepo } from './replay.ts';
import { redisCounters } from './counters.ts';
import { shareThrottleCounters, type SharedCounters } from '../../security/login-throttle.ts';

export interface RedisBacked {
  storage: Storage;
  redis: Redis;
}

/**
 * `storage` with its replay cache on Redis; `ping` checks both servers and `close` closes both.
 * When Redis does not answer, `storage` is closed and the error rethrown.
 */
export async function withRedis(storage: Storage, url: string, keyPrefix: string): Promise<RedisBacked> {
  let redis: Redis;
  try {
    redis = await openRedis(url, keyPrefix);
  } catch (err) {
    await storage.close();
    throw err;
  }
  const counters: SharedCounters = redisCounters(redis);
  shareThrottleCounters(counters);
  const wrapped: Storage = {
    ...storage,
    replay: redisReplayRepo(redis),
    async ping() {
      await storage.ping();
      if ((await redis.ping()) !== 'PONG') throw new Error('Redis does not answer');
    },
    async close() {
      try {
        await storage.close();
      } finally {
        shareThrottleCounters(undefined);
        redis.disconnect();
      }
    },
  };
  return { storage: wrapped, redis };
}
