/**
 * The periodic jobs of a serving process: cleanup and scheduled key rotation. Every instance
 * runs the timers; the jobs themselves take a PostgreSQL advisory lock, so one instance at a
 * time does the work. On SQLite (one machine) only worker slot 0 runs them.
 */
import type { Services } from '../context.ts';
import { workerSlot } from '../cluster/workers.ts';
import { cleanupRound } from './cleanup.ts';
import { keyRotationRound } from './key-schedule.ts';

/** How often the rotation schedule is checked (ms); the schedule itself is in seconds. */
const ROTATION_CHECK_MS = 60_000;

export interface Maintenance {
  /** Stops the timers and waits for a round in progress. */
  stop(): Promise<void>;
}

export function startMaintenance(services: Services, options: { rotationCheckMs?: number } = {}): Maintenance {
  const { config, storage, log } = services;
  const timers: NodeJS.Timeout[] = [];
  let running: Promise<unknown> = Promise.resolve();
  let stopped = false;
  if (storage.dialect === 'sqlite' && workerSlot() !== 0) return { stop: async () => {} };

  const every = (ms: number, name: string, job: () => Promise<unknown>) => {
    if (ms <= 0) return;
    let busy = false;
    const tick = () => {
      if (busy || stopped) return;
      busy = true;
      running = job()
        .catch((err: unknown) => log.error({ job: name, err: (err as Error).message }, 'periodic job failed'))
        .finally(() => {
          busy = false;
        });
    };
    const timer = setInterval(tick, ms);
    timer.unref();
    timers.push(timer);
    setImmediate(tick);
  };

  every(config.operations.cleanupIntervalMs, 'cleanup', async () => {
    const deleted = await cleanupRound(services);
    if (deleted) log.debug({ deleted }, 'expired rows deleted');
  });
  if (config.operations.keyRotationInterval > 0) {
    every(options.rotationCheckMs ?? Math.min(ROTATION_CHECK_MS, config.operations.keyRotationInterval * 250), 'key-rotation', async () => {
      const outcome = await keyRotationRound(services);
      if (outcome && (outcome.published.length || outcome.promoted.length)) log.info({ published: outcome.published, promoted: outcome.promoted }, 'signing keys rotated on schedule');
    });
  }

  return {
    async stop() {
      stopped = true;
      for (const timer of timers) clearInterval(timer);
      await running;
    },
  };
}
