import type { GrantRecord, GrantRepo } from '../types.ts';
import type { Row } from './db.ts';
import { fromJson, fromJsonOrNull, prepared, preparedInsert, toJson, toJsonOrNull } from './util.ts';
import type { Db } from './util.ts';
import { batchedInsert } from './batch.ts';

export function toRecord(row: Row<'grants'>): GrantRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    clientId: row.client_id,
    sub: row.sub,
    scope: row.scope,
    resources: fromJson<string[]>(row.resources),
    claims: fromJsonOrNull<unknown>(row.claims),
    authTime: row.auth_time,
    acr: row.acr,
    amr: fromJsonOrNull<string[]>(row.amr),
    sid: row.sid,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

function toRow(grant: GrantRecord): Row<'grants'> {
  return {
    tenant_id: grant.tenantId,
    id: grant.id,
    client_id: grant.clientId,
    sub: grant.sub,
    scope: grant.scope,
    resources: toJson(grant.resources),
    claims: toJsonOrNull(grant.claims),
    auth_time: grant.authTime,
    acr: grant.acr,
    amr: toJsonOrNull(grant.amr),
    sid: grant.sid,
    created_at: grant.createdAt,
    expires_at: grant.expiresAt,
    revoked_at: grant.revokedAt,
  };
}

/** Grants, keyed by (tenant, id). An absent `claims` parameter reads back as null. */
export function grantRepo(db: Db): GrantRepo {
  const insertRows = preparedInsert(db, 'grants');
  const byId = prepared(db, (db, arg) => db.selectFrom('grants').selectAll().where('tenant_id', '=', arg(0)).where('id', '=', arg(1)));
  return {
    insert: batchedInsert<GrantRecord>((grants) => insertRows(grants.map(toRow))),

    async get(tenantId, id) {
      const [row] = await byId(tenantId, id);
      return row && toRecord(row);
    },

    /**
     * Live means unrevoked and unexpired. Its tokens are revoked even when the grant was
     * not live, so a revocation never leaves a usable token behind.
     */
    async revoke(tenantId, id, now) {
      return db.transaction().execute(async (trx) => {
        const revoked = await trx
          .updateTable('grants')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .where('revoked_at', 'is', null)
          .where('expires_at', '>', now)
          .returning('id')
          .executeTakeFirst();
        await trx
          .updateTable('tokens')
          .set({ revoked_at: now })
          .where('tenant_id', '=', tenantId)
          .where('grant_id', '=', id)
          .where('revoked_at', 'is', null)
          .execute();
        return revoked !== undefined;
      });
    },
  };
}
