import type { ConsentRecord, ConsentRepo } from '../types.ts';
import type { Row } from './db.ts';
import { count, prepared } from './util.ts';
import type { Db } from './util.ts';

/** A `consents` row as a record. */
export function toRecord(row: Row<'consents'>): ConsentRecord {
  return {
    tenantId: row.tenant_id,
    sub: row.sub,
    clientId: row.client_id,
    scope: row.scope,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Consents, keyed by (tenant, sub, client_id). Accumulating scopes is the caller's job. */
export function consentRepo(db: Db): ConsentRepo {
  const byKey = prepared(db, (db, arg) =>
    db.selectFrom('consents').selectAll().where('tenant_id', '=', arg(0)).where('sub', '=', arg(1)).where('client_id', '=', arg(2)),
  );
  return {
    async get(tenantId, sub, clientId) {
      const [row] = await byKey(tenantId, sub, clientId);
      return row && toRecord(row);
    },

    async upsert(consent) {
      await db
        .insertInto('consents')
        .values({
          tenant_id: consent.tenantId,
          sub: consent.sub,
          client_id: consent.clientId,
          scope: consent.scope,
          created_at: consent.createdAt,
          updated_at: consent.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'sub', 'client_id']).doUpdateSet((eb) => ({
            scope: eb.ref('excluded.scope'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async delete(tenantId, sub, clientId) {
      const result = await db
        .deleteFrom('consents')
        .where('tenant_id', '=', tenantId)
        .where('sub', '=', sub)
        .where('client_id', '=', clientId)
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
  };
}
