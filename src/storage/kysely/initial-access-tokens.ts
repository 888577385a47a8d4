import type { InitialAccessTokenRecord, InitialAccessTokenRepo } from '../types.ts';
import { withAdminTables, type AdminRow } from './admin-tables.ts';
import { count, pageSize, toPage } from './util.ts';
import type { Db } from './util.ts';

function toRecord(row: AdminRow<'initial_access_tokens'>): InitialAccessTokenRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    hash: row.hash,
    label: row.label,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
  };
}

/** RFC 7591 §3 initial access tokens minted at runtime, keyed by (tenant, id) and looked up by hash. */
export function initialAccessTokenRepo(base: Db): InitialAccessTokenRepo {
  const db = withAdminTables(base);
  return {
    async insert(t) {
      await db
        .insertInto('initial_access_tokens')
        .values({
          tenant_id: t.tenantId,
          id: t.id,
          hash: t.hash,
          label: t.label,
          created_at: t.createdAt,
          expires_at: t.expiresAt,
          revoked_at: t.revokedAt,
        })
        .execute();
    },

    async findLive(tenantId, hash, now) {
      const row = await db
        .selectFrom('initial_access_tokens')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('initial_access_tokens').selectAll().where('tenant_id', '=', tenantId);
      if (options?.cursor !== undefined) query = query.where('id', '>', options.cursor);
      const rows = await query.orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.id, toRecord);
    },

    async revoke(tenantId, id, now) {
      const result = await db
        .updateTable('initial_access_tokens')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
  };
}
