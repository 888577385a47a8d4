import { sql, type Updateable } from 'kysely';
import type { OutboxDelivery, OutboxInsert, OutboxRepo, OutboxStatus } from '../types.ts';
import type { OutboxTable, Row } from './db.ts';
import { count, fromJson, toJson } from './util.ts';
import type { Db } from './util.ts';

function toRecord(row: Row<'outbox'>): OutboxDelivery {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    clientId: row.client_id,
    kind: row.kind,
    targetUrl: row.target_url,
    headers: fromJson<Record<string, string>>(row.headers),
    body: row.body,
    maxAttempts: row.max_attempts,
    createdAt: row.created_at,
    status: row.status as OutboxStatus,
    attempts: row.attempts,
    nextAttemptAtMs: row.next_attempt_at_ms,
    leaseOwner: row.lease_owner,
    leaseUntilMs: row.lease_until_ms,
    lastAttemptAtMs: row.last_attempt_at_ms,
    lastStatus: row.last_status,
    lastError: row.last_error,
    deliveredAtMs: row.delivered_at_ms,
  };
}

/**
 * Inserts outbox rows with `db`, which may be a transaction: a repository that changes state
 * and must notify someone calls this inside its own `db.transaction()`, so the notification
 * exists exactly when the change does.
 */
export async function insertOutboxRows(db: Db, rows: readonly OutboxInsert[]): Promise<void> {
  if (rows.length === 0) return;
  await db
    .insertInto('outbox')
    .values(
      rows.map((r) => ({
        id: r.id,
        tenant_id: r.tenantId,
        client_id: r.clientId,
        kind: r.kind,
        target_url: r.targetUrl,
        headers: toJson(r.headers),
        body: r.body,
        status: 'pending',
        attempts: 0,
        max_attempts: r.maxAttempts,
        // Due at once: the dispatcher's clock decides everything after this.
        next_attempt_at_ms: 0,
        lease_owner: null,
        lease_until_ms: null,
        last_attempt_at_ms: null,
        last_status: null,
        last_error: null,
        delivered_at_ms: null,
        created_at: r.createdAt,
      })),
    )
    .execute();
}

/** What an attempt's outcome sets on its row, besides what every outcome sets. */
type AttemptOutcome = Pick<Updateable<OutboxTable>, 'status' | 'next_attempt_at_ms' | 'delivered_at_ms' | 'last_status' | 'last_error'>;

/**
 * Records one attempt on a row that `owner` has claimed and that is still pending: counts it,
 * frees the lease and applies `outcome`. Returns the row's tenant and client, or undefined
 * when `owner` no longer holds the row (its lease lapsed and another dispatcher took it).
 */
function recordAttempt(db: Db, id: string, owner: string, nowMs: number, outcome: AttemptOutcome) {
  return db
    .updateTable('outbox')
    .set((eb) => ({ ...outcome, attempts: eb('attempts', '+', 1), last_attempt_at_ms: nowMs, lease_owner: null, lease_until_ms: null }))
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .where('status', '=', 'pending')
    .returning(['tenant_id', 'client_id'])
    .executeTakeFirst();
}

/** The durable outbox and its per-client circuit breakers. */
export function outboxRepo(db: Db): OutboxRepo {
  return {
    enqueue: (rows) => insertOutboxRows(db, rows),

    async claim({ owner, nowMs, leaseMs, limit, breakerThreshold }) {
      const candidates = await db
        .selectFrom('outbox as o')
        .leftJoin('outbox_breakers as b', (j) => j.onRef('b.tenant_id', '=', 'o.tenant_id').onRef('b.client_id', '=', 'o.client_id'))
        .select(['o.id', 'o.tenant_id', 'o.client_id', 'b.failures', 'b.open_until_ms'])
        .where('o.status', '=', 'pending')
        .where('o.next_attempt_at_ms', '<=', nowMs)
        .where((eb) => eb.or([eb('o.lease_until_ms', 'is', null), eb('o.lease_until_ms', '<=', nowMs)]))
        .where((eb) => eb.or([eb('b.open_until_ms', 'is', null), eb('b.open_until_ms', '<=', nowMs)]))
        .orderBy('o.next_attempt_at_ms')
        .orderBy('o.created_at')
        .limit(Math.max(1, limit) * 4)
        .execute();

      const chosen: string[] = [];
      const probed = new Set<string>();
      for (const c of candidates) {
        if (chosen.length >= limit) break;
        const key = `${c.tenant_id}\n${c.client_id}`;
        if (c.failures !== null && c.failures >= breakerThreshold) {
          // Half-open: one probe per client, taken by whichever dispatcher updates the breaker first.
          if (probed.has(key)) continue;
          probed.add(key);
          const took = await db
            .updateTable('outbox_breakers')
            .set({ open_until_ms: nowMs + leaseMs })
            .where('tenant_id', '=', c.tenant_id)
            .where('client_id', '=', c.client_id)
            .where('open_until_ms', '<=', nowMs)
            .executeTakeFirst();
          if (count(took.numUpdatedRows) === 0) continue;
        }
        chosen.push(c.id);
      }
      if (chosen.length === 0) return [];

      // The conditions are re-checked by the UPDATE itself: a row another dispatcher claimed
      // in the meantime no longer matches, so each row has one owner.
      const rows = await db
        .updateTable('outbox')
        .set({ lease_owner: owner, lease_until_ms: nowMs + leaseMs })
        .where('id', 'in', chosen)
        .where('status', '=', 'pending')
        .where('next_attempt_at_ms', '<=', nowMs)
        .where((eb) => eb.or([eb('lease_until_ms', 'is', null), eb('lease_until_ms', '<=', nowMs)]))
        .returningAll()
        .execute();
      return rows.map(toRecord).sort((a, b) => a.nextAttemptAtMs - b.nextAttemptAtMs);
    },

    async succeed(id, owner, nowMs, status) {
      return db.transaction().execute(async (trx) => {
        const row = await recordAttempt(trx, id, owner, nowMs, { status: 'delivered', delivered_at_ms: nowMs, last_status: status, last_error: null });
        if (!row) return false;
        await trx.deleteFrom('outbox_breakers').where('tenant_id', '=', row.tenant_id).where('client_id', '=', row.client_id).execute();
        return true;
      });
    },

    async fail(id, owner, failure) {
      return db.transaction().execute(async (trx) => {
        const exhausted = failure.retryAtMs === null;
        const row = await recordAttempt(trx, id, owner, failure.nowMs, {
          status: exhausted ? 'failed' : 'pending',
          next_attempt_at_ms: failure.retryAtMs ?? failure.nowMs,
          last_status: failure.status,
          last_error: failure.error.slice(0, 300),
        });
        if (!row) return false;
        const breaker = await trx
          .insertInto('outbox_breakers')
          .values({ tenant_id: row.tenant_id, client_id: row.client_id, failures: 1, open_until_ms: 0 })
          .onConflict((oc) => oc.columns(['tenant_id', 'client_id']).doUpdateSet((eb) => ({ failures: eb('outbox_breakers.failures', '+', 1) })))
          .returning(['failures'])
          .executeTakeFirstOrThrow();
        if (breaker.failures >= failure.breakerThreshold) {
          await trx
            .updateTable('outbox_breakers')
            .set({ open_until_ms: failure.nowMs + failure.breakerCooldownMs(breaker.failures) })
            .where('tenant_id', '=', row.tenant_id)
            .where('client_id', '=', row.client_id)
            .execute();
        }
        return true;
      });
    },

    async release(id, owner) {
      await db.updateTable('outbox').set({ lease_owner: null, lease_until_ms: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
    },

    async list(filter) {
      let q = db.selectFrom('outbox').selectAll();
      if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      if (filter.status !== undefined) q = q.where('status', '=', filter.status);
      const rows = await q
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(Math.min(1000, Math.max(1, filter.limit ?? 100)))
        .execute();
      return rows.map(toRecord);
    },

    async counts(filter) {
      let q = db.selectFrom('outbox').select(['status', sql<number>`count(*)`.as('n')]);
      if (filter.tenantId !== undefined) q = q.where('tenant_id', '=', filter.tenantId);
      if (filter.kind !== undefined) q = q.where('kind', '=', filter.kind);
      const rows = await q.groupBy('status').execute();
      const out: Record<OutboxStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      for (const r of rows) if (r.status in out) out[r.status as OutboxStatus] = Number(r.n);
      return out;
    },

    async retry(tenantId, id) {
      const result = await db
        .updateTable('outbox')
        .set({ status: 'pending', attempts: 0, next_attempt_at_ms: 0, lease_owner: null, lease_until_ms: null })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('status', '=', 'failed')
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },

    async breakers(tenantId) {
      let q = db.selectFrom('outbox_breakers').selectAll().where('failures', '>', 0);
      if (tenantId !== undefined) q = q.where('tenant_id', '=', tenantId);
      const rows = await q.orderBy('tenant_id').orderBy('client_id').execute();
      return rows.map((r) => ({ tenantId: r.tenant_id, clientId: r.client_id, failures: r.failures, openUntilMs: r.open_until_ms }));
    },

    async purgeDelivered(beforeMs, batch) {
      const limit = Math.max(0, Math.trunc(batch));
      if (limit === 0) return 0;
      const result = await db
        .deleteFrom('outbox')
        .where('id', 'in', (eb) =>
          eb.selectFrom('outbox').select('id').where('status', '=', 'delivered').where('delivered_at_ms', '<', beforeMs).limit(limit),
        )
        .executeTakeFirst();
      return count(result.numDeletedRows);
    },
  };
}
