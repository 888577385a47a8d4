/**
 * The durable outbox: server-to-client HTTP notifications that must not be lost (back-channel
 * logout tokens, CIBA ping/push callbacks, …).
 *
 * A delivery is one POST: a tenant, a client id, a `kind`, a target URL, headers and a body.
 * It is a row in the `outbox` table (migration 0002) until a dispatcher gets a 2xx for it or
 * it runs out of attempts. The dispatcher retries with exponential backoff and jitter, caps
 * attempts (`config.outbox.maxAttempts`; exhausted rows become `failed` and stay visible,
 * `portcullis logout-deliveries list` and `… retry ID`), pauses a client whose endpoint keeps
 * failing (per-client circuit breaker with single probes), resumes pending rows after a
 * restart, and is safe with several instances (rows are claimed atomically with a lease).
 * Delivery is at least once: a receiver deduplicates by its own id (e.g. the token's `jti`).
 *
 * ## Enqueueing
 *
 * Best: in the same transaction as the state change that causes the notification, so the
 * notification exists exactly when the change does. Inside a Kysely repository:
 *
 * ```ts
 * import { insertOutboxRows } from '../storage/kysely/outbox.ts';
 * await db.transaction().execute(async (trx) => {
 *   await trx.updateTable('ciba_requests').set({ status: 'approved' }).where(…).execute();
 *   await insertOutboxRows(trx, [row]);   // row: OutboxInsert, built with outboxRow() below
 * });
 * ```
 *
 * and, after the transaction commits, call `wakeOutbox()` so this process's dispatcher sends
 * it at once (other instances find it at their next poll).
 *
 * `outboxRow(ctx, { clientId, kind, targetUrl, headers, body })` fills in the id, tenant,
 * creation time and attempt cap. The stored body is POSTed as is unless the kind has a
 * preparer in `kinds.ts` (run before every attempt, e.g. to sign a fresh token). Headers are
 * stored in the database and never logged; a notification that carries a secret (a bearer
 * token, issued tokens, an approval link) is stored sealed with `sealRequest()` from
 * `sealed.ts`, and its kind's preparer is `openSealedRequest`.
 *
 * ## Running the dispatcher
 *
 * `serve` (src/main.ts) starts one per process with `startOutboxDispatcher(services)` and
 * awaits `dispatcher.stop()` on SIGTERM/SIGINT before closing storage. Tests start their own
 * with short timings: `startOutboxDispatcher(runtime.services, { retryBaseMs: 20,
 * pollIntervalMs: 20, breakerCooldownMs: 50 })`, or drive it step by step with `runOnce()`.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx } from '../context.ts';
import type { OutboxInsert } from '../storage/types.ts';

export { startOutboxDispatcher, type DispatcherOptions, type OutboxDispatcher } from './dispatcher.ts';
export { OUTBOX_PREPARERS, type PreparedRequest, type Preparer } from './kinds.ts';
export { wakeOutbox } from './signal.ts';
export type { OutboxDelivery, OutboxInsert, OutboxStatus } from '../storage/types.ts';

/** What to send: one POST to `targetUrl`. */
export interface Notification {
  clientId: string;
  kind: string;
  targetUrl: string;
  headers?: Record<string, string>;
  body: string;
  /** Defaults to `config.outbox.maxAttempts`. */
  maxAttempts?: number;
}

/** An outbox row for `notification` in the request's tenant. */
export function outboxRow(ctx: Pick<Ctx, 'tenant' | 'config' | 'now'>, notification: Notification): OutboxInsert {
  return {
    id: randomUUID(),
    tenantId: ctx.tenant.id,
    clientId: notification.clientId,
    kind: notification.kind,
    targetUrl: notification.targetUrl,
    headers: notification.headers ?? {},
    body: notification.body,
    maxAttempts: notification.maxAttempts ?? ctx.config.outbox.maxAttempts,
    createdAt: ctx.now(),
  };
}
