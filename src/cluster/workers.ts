/**
 * How many worker processes to run: `PORTCULLIS_WORKERS` = a positive integer, or `auto` for
 * one per CPU core. Unset means 1 (no cluster: the process serves by itself).
 */
import { availableParallelism } from 'node:os';
import { ConfigError } from '../config/validate.ts';

export const MAX_WORKERS = 256;

export function workerCount(env: NodeJS.ProcessEnv): number {
  const raw = env['PORTCULLIS_WORKERS'];
  if (raw === undefined || raw === '') return 1;
  if (raw === 'auto') return availableParallelism();
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > MAX_WORKERS) {
    throw new ConfigError('PORTCULLIS_WORKERS', `must be an integer from 1 to ${MAX_WORKERS} or "auto", got ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/** This process's worker slot (0 … N-1) under the cluster primary; 0 when running alone. */
export function workerSlot(env: NodeJS.ProcessEnv = process.env): number {
  const slot = Number(env['PORTCULLIS_WORKER_SLOT'] ?? '0');
  return Number.isInteger(slot) && slot >= 0 ? slot : 0;
}
