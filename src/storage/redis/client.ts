/**
 * The Redis connection for hot ephemeral state shared by instances (replay caches, rate-limit
 * counters). PostgreSQL stays the source of truth; Redis only holds what may expire.
 */
import type { Redis } from 'ioredis';

/**
 * Connects to `url` and waits until the server answers. Commands fail fast instead of queueing
 * while the connection is down: a replay check that cannot be made must fail the request, not
 * hang it (the caller answers server_error and accepts nothing).
 */
export async function openRedis(url: string, keyPrefix: string): Promise<Redis> {
  // Loaded only when Redis is configured: it is a sizeable part of startup otherwise.
  const { Redis } = await import('ioredis');
  const redis = new Redis(url, {
    // Every key this connection touches starts with the prefix: deployments sharing a Redis stay apart.
    keyPrefix,
    lazyConnect: true,
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 5000,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  // Reconnection is automatic; an 'error' event without a listener would crash the process.
  redis.on('error', () => {});
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    redis.disconnect();
    throw new Error(`Redis at ${new URL(url).host} does not answer: ${(err as Error).message}`);
  }
  return redis;
}
