/**
 * The outbox dispatcher: claims due deliveries, POSTs them, and records each outcome. Any
 * number of dispatchers (processes, machines) may run over one database: a row is claimed
 * by one conditional UPDATE with a lease, so only one of them sends it; a dispatcher that dies
 * mid-delivery leaves a lease that lapses, and another one retries the row.
 */
import { randomUUID } from 'node:crypto';
import type { Services } from '../context.ts';
import type { OutboxDelivery } from '../storage/types.ts';
import { breakerCooldownMs, retryDelayMs, type RetryPolicy } from './backoff.ts';
import { OUTBOX_PREPARERS, type Preparer } from './kinds.ts';
import { onOutboxWake } from './signal.ts';

export interface DispatcherOptions extends Partial<RetryPolicy> {
  /** Identifies this dispatcher in leases (default: a random id). */
  owner?: string;
  pollIntervalMs?: number;
  timeoutMs?: number;
  /** How long a claim lasts (default: three HTTP timeouts, at least 30 s). */
  leaseMs?: number;
  batchSize?: number;
  /** Deliveries in flight at once. */
  concurrency?: number;
  /** Delivered rows are kept this long for inspection, then purged. */
  retainDeliveredMs?: number;
  /** How long stop() waits for deliveries in flight before abandoning them to their lease. */
  stopGraceMs?: number;
  /** Epoch milliseconds. */
  clockMs?: () => number;
  random?: () => number;
  fetch?: typeof fetch;
  preparers?: Readonly<Record<string, Preparer>>;
}

export interface OutboxDispatcher {
  /** Claims and sends one batch now; resolves to how many rows were attempted. */
  runOnce(): Promise<number>;
  /** Looks for due rows at once instead of at the next poll. */
  wake(): void;
  /** Stops polling and waits (briefly) for deliveries in flight. Idempotent. */
  stop(): Promise<void>;
}

const PURGE_EVERY_MS = 10 * 60 * 1000;

/** Where a delivery goes, for logs: origin and path only (a query string may carry secrets). */
function targetForLog(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return 'invalid-url';
  }
}

function reason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'AbortError' || e?.name === 'TimeoutError') return 'timeout';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? 'error';
}

/** Starts a dispatcher over `services.storage`, configured by `services.config.outbox` unless overridden. */
export function startOutboxDispatcher(services: Services, options: DispatcherOptions = {}): OutboxDispatcher {
  const cfg = services.config.outbox;
  const policy: RetryPolicy = {
    maxAttempts: options.maxAttempts ?? cfg.maxAttempts,
    retryBaseMs: options.retryBaseMs ?? cfg.retryBaseMs,
    retryMaxMs: options.retryMaxMs ?? cfg.retryMaxMs,
    breakerThreshold: options.breakerThreshold ?? cfg.breakerThreshold,
    breakerCooldownMs: options.breakerCooldownMs ?? cfg.breakerCooldownMs,
  };
  const owner = options.owner ?? `dispatcher-${randomUUID()}`;
  const pollIntervalMs = options.pollIntervalMs ?? cfg.pollIntervalMs;
  const timeoutMs = options.timeoutMs ?? cfg.timeoutMs;
  const leaseMs = options.leaseMs ?? Math.max(30_000, timeoutMs * 3);
  const batchSize = options.batchSize ?? 16;
  const concurrency = Math.max(1, options.concurrency ?? 4);
  const retainDeliveredMs = options.retainDeliveredMs ?? 7 * 86400 * 1000;
  const stopGraceMs = options.stopGraceMs ?? 3000;
  const clockMs = options.clockMs ?? Date.now;
  const random = options.random ?? Math.random;
  const send = options.fetch ?? fetch;
  const preparers = options.preparers ?? OUTBOX_PREPARERS;
  const { storage, log } = services;

  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<number> | undefined;
  let again = false;
  let lastPurge = 0;
  const inFlight = new Map<string, AbortController>();

  /** Sends one claimed row and records the outcome; false when the attempt failed. */
  async function attempt(d: OutboxDelivery): Promise<boolean> {
    const n = d.attempts + 1;
    const started = clockMs();
    const controller = new AbortController();
    inFlight.set(d.id, controller);
    const timeout = setTimeout(() => controller.abort(), timeoutMs);
    let status: number | null = null;
    let error: string | undefined;
    try {
      const prepare = preparers[d.kind];
      const request = prepare ? await prepare(d, services) : { headers: d.headers, body: d.body };
      const res = await send(d.targetUrl, { method: 'POST', headers: request.headers, body: request.body, redirect: 'manual', signal: controller.signal });
      status = res.status;
      await res.body?.cancel().catch(() => undefined);
      // Back-Channel Logout §2.8: success is 200 (some frameworks answer 204); anything else is retried.
      if (status < 200 || status > 299) error = `HTTP ${status}`;
    } catch (err) {
      error = reason(err);
    } finally {
      clearTimeout(timeout);
      inFlight.delete(d.id);
    }
    const base = { event: 'outbox_delivery', id: d.id, kind: d.kind, tenant: d.tenantId, client: d.clientId, target: targetForLog(d.targetUrl), attempt: n, status, ms: clockMs() - started };
    if (stopped && controller.signal.aborted) {
      // Abandoned at shutdown: not an attempt; the row goes back to the queue.
      await storage.outbox.release(d.id, owner);
      log.info({ ...base, outcome: 'released' }, 'outbox delivery abandoned at shutdown');
      return true;
    }
    const now = clockMs();
    if (error === undefined) {
      await storage.outbox.succeed(d.id, owner, now, status ?? 0);
      log.info({ ...base, outcome: 'delivered' }, 'outbox delivery');
      return true;
    }
    const exhausted = n >= d.maxAttempts;
    const retryAtMs = exhausted ? null : now + retryDelayMs(policy, n, random);
    await storage.outbox.fail(d.id, owner, {
      nowMs: now,
      status,
      error,
      retryAtMs,
      breakerThreshold: policy.breakerThreshold,
      breakerCooldownMs: (failures) => breakerCooldownMs(policy, failures),
    });
    const entry = { ...base, outcome: exhausted ? 'failed' : 'retry', error, ...(retryAtMs !== null ? { retryInMs: retryAtMs - now } : {}) };
    if (exhausted) log.error(entry, 'outbox delivery failed for good');
    else log.warn(entry, 'outbox delivery failed');
    return false;
  }

  async function batch(): Promise<number> {
    const now = clockMs();
    if (now - lastPurge > PURGE_EVERY_MS) {
      lastPurge = now;
      await storage.outbox.purgeDelivered(now - retainDeliveredMs, 500);
    }
    const rows = await storage.outbox.claim({ owner, nowMs: now, leaseMs, limit: batchSize, breakerThreshold: policy.breakerThreshold });
    const queue = [...rows];
    // A client whose endpoint just failed gets no more attempts in this batch: its other rows
    // go back untouched, so a dead endpoint costs one request per poll until its breaker opens.
    const failing = new Set<string>();
    const workers = Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
      for (let d = queue.shift(); d; d = queue.shift()) {
        const client = `${d.tenantId}\n${d.clientId}`;
        if (stopped || failing.has(client)) {
          await storage.outbox.release(d.id, owner);
          continue;
        }
        if (!(await attempt(d))) failing.add(client);
      }
    });
    await Promise.all(workers);
    return rows.length;
  }

  function schedule(delay: number): void {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(tick, delay);
  }

  function tick(): void {
    timer = undefined;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = batch().catch((err: unknown) => {
      log.error({ event: 'outbox_dispatcher', err: (err as Error).message }, 'outbox dispatcher error');
      return 0;
    });
    void running.then((n) => {
      running = undefined;
      // A full batch suggests more are due; otherwise wait for the next poll (or a wake).
      const more = again || n >= batchSize;
      again = false;
      schedule(more ? 0 : pollIntervalMs);
    });
  }

  const unsubscribe = onOutboxWake(() => {
    if (!stopped) schedule(0);
  });
  schedule(0);

  return {
    async runOnce() {
      while (running) await running;
      return batch();
    },
    wake() {
      if (!stopped) schedule(0);
    },
    async stop() {
      if (stopped) {
        while (running) await running;
        return;
      }
      stopped = true;
      unsubscribe();
      if (timer) clearTimeout(timer);
      const grace = setTimeout(() => {
        for (const controller of inFlight.values()) controller.abort();
      }, stopGraceMs);
      try {
        while (running) await running;
      } finally {
        clearTimeout(grace);
      }
    },
  };
}
