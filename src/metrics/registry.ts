/**
 * Prometheus metrics (prom-client), one registry per process. Under node:cluster the worker
 * that answers `/metrics` asks the primary, which sums every worker's registry (cluster/).
 *
 * Labels have bounded values only: route patterns (never raw paths), status codes, grant
 * types, tenant slugs, results. Nothing that identifies a user or carries a secret.
 */
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Storage } from '../storage/types.ts';

export const registry = new Registry();

let defaultsCollected = false;

/** Process metrics: CPU, memory, GC, handles, event-loop lag (`nodejs_eventloop_lag_seconds`). */
export function collectProcessMetrics(): void {
  if (defaultsCollected) return;
  defaultsCollected = true;
  collectDefaultMetrics({ register: registry, prefix: 'portcullis_', eventLoopMonitoringPrecision: 20 });
}

export const httpRequests = new Counter({
  name: 'portcullis_http_requests_total',
  help: 'HTTP requests answered, by route pattern, method and status code.',
  labelNames: ['route', 'method', 'status'] as const,
  registers: [registry],
});

export const httpDuration = new Histogram({
  name: 'portcullis_http_request_duration_seconds',
  help: 'Time from receiving a request to sending its response, by route pattern and method.',
  labelNames: ['route', 'method'] as const,
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});

export const tokensIssued = new Counter({
  name: 'portcullis_tokens_issued_total',
  help: 'Successful token endpoint responses, by grant type and tenant slug (empty: the default tenant).',
  labelNames: ['grant_type', 'tenant'] as const,
  registers: [registry],
});

export const logins = new Counter({
  name: 'portcullis_logins_total',
  help: 'Credential checks (login page, password grant, CIBA user code), by result.',
  labelNames: ['result'] as const,
  registers: [registry],
});

for (const result of ['success', 'failure']) logins.inc({ result }, 0);

/** Storage whose state is read at scrape time (outbox backlog, database pool). Set once per process. */
let observed: Storage | undefined;

/** Reads the outbox backlog and the database pool from `storage` whenever metrics are collected. */
export function observeStorage(storage: Storage): void {
  observed = storage;
}

new Gauge({
  name: 'portcullis_outbox_backlog',
  help: 'Outbox deliveries (back-channel logout, CIBA notifications), by status.',
  labelNames: ['status'] as const,
  registers: [registry],
  async collect() {
    if (!observed) return;
    try {
      const counts = await observed.outbox.counts({});
      for (const [status, n] of Object.entries(counts)) this.set({ status }, n);
    } catch {
      // The database is down: /readyz says so; the scrape still answers.
    }
  },
});

new Gauge({
  name: 'portcullis_db_pool_connections',
  help: 'Database connection pool (PostgreSQL): connections by state (total, idle, waiting clients).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    const stats = observed?.poolStats?.();
    if (!stats) return;
    this.set({ state: 'total' }, stats.total);
    this.set({ state: 'idle' }, stats.idle);
    this.set({ state: 'waiting' }, stats.waiting);
  },
});

export const keyRotations = new Counter({
  name: 'portcullis_key_rotations_total',
  help: 'Signing keys made active by scheduled rotation in this process, by algorithm.',
  labelNames: ['alg'] as const,
  registers: [registry],
});

export const sweptRows = new Counter({
  name: 'portcullis_cleanup_deleted_rows_total',
  help: 'Expired rows deleted by the cleanup sweep run by this process.',
  registers: [registry],
});
