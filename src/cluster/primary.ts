/**
 * The node:cluster primary: N workers share the listening port (the primary accepts and hands
 * connections out). The primary serves nothing itself; it prepares the database once
 * (migrations, provisioning, first keys) before forking, restarts a worker that dies, answers
 * the workers' metrics requests with the sum of every worker, and on SIGTERM/SIGINT tells
 * every worker to drain (finish in-flight requests) and exits 0 once they all have.
 */
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import type { Logger } from '../context.ts';
import { METRICS_REPLY, METRICS_REQUEST, type MetricsReply } from './messages.ts';

/** A worker that dies sooner than this after starting counts as a crash loop: wait before the next. */
const CRASH_WINDOW_MS = 5000;
const MAX_RESTART_DELAY_MS = 10000;
/** Workers get this long to drain before they are killed (the contract allows 10 s in all). */
const DRAIN_MS = 9000;

export interface PrimaryOptions {
  workers: number;
  log: Logger;
}

export function runPrimary(options: PrimaryOptions): void {
  const { workers, log } = options;
  const aggregator = new AggregatorRegistry();
  const slots = new Map<Worker, { slot: number; startedAt: number }>();
  const quickDeaths = new Array<number>(workers).fill(0);
  let stopping = false;

  const fork = (slot: number) => {
    const worker = cluster.fork({ PORTCULLIS_WORKER_SLOT: String(slot) });
    slots.set(worker, { slot, startedAt: Date.now() });
    worker.on('message', (message: unknown) => {
      if (!isMetricsRequest(message)) return;
      aggregator
        .clusterMetrics()
        .then((text) => reply(worker, { type: METRICS_REPLY, id: message.id, contentType: aggregator.contentType, text }))
        .catch((err: unknown) => reply(worker, { type: METRICS_REPLY, id: message.id, contentType: 'text/plain', text: '', error: (err as Error).message }));
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const entry = slots.get(worker);
    slots.delete(worker);
    if (!entry) return;
    if (stopping) {
      if (slots.size === 0) {
        log.info({}, 'every worker stopped');
        process.exit(0);
      }
      return;
    }
    const quick = Date.now() - entry.startedAt < CRASH_WINDOW_MS;
    quickDeaths[entry.slot] = quick ? (quickDeaths[entry.slot] ?? 0) + 1 : 0;
    const delay = Math.min(MAX_RESTART_DELAY_MS, quick ? 250 * 2 ** ((quickDeaths[entry.slot] ?? 1) - 1) : 0);
    log.warn({ worker: entry.slot, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker exited; starting a new one');
    setTimeout(() => {
      if (!stopping) fork(entry.slot);
    }, delay).unref();
  });

  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, workers: slots.size }, 'draining workers');
    if (slots.size === 0) process.exit(0);
    for (const worker of slots.keys()) worker.process.kill('SIGTERM');
    setTimeout(() => {
      log.error({ workers: slots.size }, 'workers did not drain in time');
      for (const worker of slots.keys()) worker.process.kill('SIGKILL');
      process.exit(1);
    }, DRAIN_MS).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));

  for (let slot = 0; slot < workers; slot++) fork(slot);
  log.info({ workers }, 'Portcullis primary started its workers');
}

function reply(worker: Worker, message: MetricsReply): void {
  if (worker.isConnected()) worker.send(message);
}

function isMetricsRequest(message: unknown): message is { type: typeof METRICS_REQUEST; id: number } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === METRICS_REQUEST && typeof (message as { id?: unknown }).id === 'number';
}
