import type { Kysely } from 'kysely';
import type { CibaRequestRecord, CibaRepo, OutboxInsert } from '../types.ts';
import { insertOutboxRows } from './outbox.ts';
import { decidePollable, pollableFromRow, pollableToRow, pollPollable, type PollableTable } from './pollable.ts';
import type { Db } from './util.ts';

/** The `ciba_requests` table (migration 0003). */
export interface CibaRequestsTable extends PollableTable {
  approval_hash: string;
  sub: string;
  acr: string | null;
  binding_message: string | null;
  delivery_mode: string;
  notification_encrypted: string | null;
}

type CibaTables = { ciba_requests: CibaRequestsTable };

function deliveryMode(value: string): CibaRequestRecord['deliveryMode'] {
  return value === 'ping' || value === 'push' ? value : 'poll';
}

function toRecord(row: CibaRequestsTable): CibaRequestRecord {
  return {
    ...pollableFromRow(row),
    approvalHash: row.approval_hash,
    sub: row.sub,
    acr: row.acr,
    bindingMessage: row.binding_message,
    deliveryMode: deliveryMode(row.delivery_mode),
    notificationEncrypted: row.notification_encrypted,
  };
}

const tables = (db: Db) => db.withTables<CibaTables>() as unknown as Kysely<CibaTables>;

/**
 * CIBA requests (OpenID CIBA Core 1.0), keyed by (tenant, sha256 of the auth_req_id). Inserts and
 * decisions that notify someone enqueue the outbox rows in the same transaction.
 */
export function cibaRepo(base: Db): CibaRepo {
  const db = tables(base);
  const select = (tenantId: string) => db.selectFrom('ciba_requests').selectAll().where('tenant_id', '=', tenantId);
  return {
    async insert(r, deliveries: OutboxInsert[] = []) {
      await base.transaction().execute(async (trx) => {
        await tables(trx)
          .insertInto('ciba_requests')
          .values({
            ...pollableToRow(r),
            approval_hash: r.approvalHash,
            sub: r.sub,
            acr: r.acr,
            binding_message: r.bindingMessage,
            delivery_mode: r.deliveryMode,
            notification_encrypted: r.notificationEncrypted,
          })
          .execute();
        await insertOutboxRows(trx, deliveries);
      });
    },

    async get(tenantId, hash) {
      const row = await select(tenantId).where('hash', '=', hash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async getByApproval(tenantId, approvalHash) {
      const row = await select(tenantId).where('approval_hash', '=', approvalHash).executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    async listPending(tenantId, sub, now) {
      const rows = await select(tenantId)
        .where('sub', '=', sub)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .orderBy('created_at', 'desc')
        .orderBy('hash')
        .limit(50)
        .execute();
      return rows.map(toRecord);
    },

    async decide(tenantId, hash, decision, now, options = {}) {
      const deliveries = options.deliveries ?? [];
      if (deliveries.length === 0) return decidePollable(db, 'ciba_requests', tenantId, hash, decision, now, options.consume ?? false);
      return base.transaction().execute(async (trx) => {
        const won = await decidePollable(tables(trx), 'ciba_requests', tenantId, hash, decision, now, options.consume ?? false);
        if (won) await insertOutboxRows(trx, deliveries);
        return won;
      });
    },

    poll: (tenantId, hash, clientId, now) =>
      pollPollable(db, 'ciba_requests', tenantId, hash, clientId, now, (row) => toRecord(row as CibaRequestsTable)),
  };
}
