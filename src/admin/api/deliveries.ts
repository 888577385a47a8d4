/** Admin API: status of outgoing notifications (back-channel logout, CIBA ping/push) kept in the outbox. */
import { InvalidRequest, NotFound } from '../../errors/oauth-error.ts';
import type { OutboxDelivery, OutboxStatus } from '../../storage/types.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { one, pageOptions, type Query } from './pagination.ts';

const STATUSES = ['pending', 'delivered', 'failed'];

export interface DeliveryView {
  id: string;
  client_id: string;
  kind: string;
  target_url: string;
  status: string;
  attempts: number;
  max_attempts: number;
  created_at: number;
  last_attempt_at_ms: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at_ms: number | null;
}

// Bodies and headers are left out: they carry signed logout tokens and client credentials.
const view = (d: OutboxDelivery): DeliveryView => ({
  id: d.id,
  client_id: d.clientId,
  kind: d.kind,
  target_url: d.targetUrl,
  status: d.status,
  attempts: d.attempts,
  max_attempts: d.maxAttempts,
  created_at: d.createdAt,
  last_attempt_at_ms: d.lastAttemptAtMs,
  last_status: d.lastStatus,
  last_error: d.lastError,
  delivered_at_ms: d.deliveredAtMs,
});

/** Newest first, filtered by kind and status; `limit` caps the page (no cursor: the outbox is purged as it drains). */
export async function listDeliveries(actx: AdminCtx, tenantRef: string, query: Query): Promise<{ items: DeliveryView[]; counts: Record<string, number>; next_cursor: null }> {
  const tenant = await tenantOf(actx, tenantRef);
  const kind = one(query, 'kind');
  const status = one(query, 'status');
  if (status !== undefined && !STATUSES.includes(status)) throw new InvalidRequest(`status must be one of ${STATUSES.join(', ')}`);
  // Same `limit` rule as every other admin list: 1 to 500, else 400.
  const limit = pageOptions(query).limit ?? 50;
  const filter = { tenantId: tenant.id, ...(kind ? { kind } : {}) };
  const [items, counts] = await Promise.all([
    actx.services.storage.outbox.list({ ...filter, ...(status ? { status: status as OutboxStatus } : {}), limit }),
    actx.services.storage.outbox.counts(filter),
  ]);
  return { items: items.map(view), counts, next_cursor: null };
}

export async function retryDelivery(actx: AdminCtx, tenantRef: string, id: string): Promise<void> {
  const tenant = await tenantOf(actx, tenantRef);
  if (!(await actx.services.storage.outbox.retry(tenant.id, id))) throw new NotFound('no failed delivery with that id');
  await record(actx, { tenantId: tenant.id, action: 'delivery.retry', targetType: 'delivery', targetId: id });
}
