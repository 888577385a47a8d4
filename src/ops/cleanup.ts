/**
 * Periodic cleanup: expired codes, tokens, grants, sessions, PAR/device/CIBA requests, replay
 * entries and retired keys are deleted in bounded batches (storage.sweep: a LIMITed delete per
 * table) by one instance at a time (storage.exclusive: an advisory lock on PostgreSQL).
 * Delivered outbox rows are purged by the outbox dispatcher.
 */
import type { Services } from '../context.ts';
import { sweptRows } from '../metrics/registry.ts';

/** Batches per round at most, so one round never runs unbounded even with a large backlog. */
export const MAX_BATCHES_PER_ROUND = 20;

/**
 * Deletes expired rows, batch by batch, until a batch finds nothing or the round's cap is
 * reached. Returns how many rows went, or `undefined` when another instance holds the lock.
 */
export async function cleanupRound(services: Pick<Services, 'storage' | 'config' | 'now'>): Promise<number | undefined> {
  const { storage, config, now } = services;
  const batch = config.operations.cleanupBatch;
  const run = async () => {
    let total = 0;
    for (let i = 0; i < MAX_BATCHES_PER_ROUND; i++) {
      const deleted = await storage.sweep(now(), batch);
      total += deleted;
      sweptRows.inc(deleted);
      if (deleted === 0) break;
    }
    return total;
  };
  return storage.exclusive('cleanup', run);
}
