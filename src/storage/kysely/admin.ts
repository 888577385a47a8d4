import { sql } from 'kysely';
import type { AdminRepo } from '../types.ts';
import { withAdminTables } from './admin-tables.ts';
import { toRecord as clientFromRow } from './clients.ts';
import { toRecord as consentFromRow } from './consents.ts';
import { toRecord as sessionFromRow } from './sessions.ts';
import { toRecord as tenantFromRow } from './tenants.ts';
import { toRecord as userFromRow } from './users.ts';
import { count, pageSize, toPage } from './util.ts';
import type { Db } from './util.ts';

/** Rows that start with `prefix`, through the index: `key >= prefix AND key < prefix + U+FFFF`. */
function prefixRange(prefix: string | undefined): [string, string] | undefined {
  return prefix ? [prefix, `${prefix}\uffff`] : undefined;
}

/** Tables whose rows belong to one tenant and go with it (every table with a `tenant_id` but those below). */
export const TENANT_TABLES = [
  'session_clients', 'sessions', 'codes', 'tokens', 'grants', 'consents', 'replay', 'signing_keys',
  'users', 'clients', 'initial_access_tokens', 'admins',
  'outbox', 'outbox_breakers', 'device_codes', 'ciba_requests', 'par_requests',
] as const;

/** Tables with a `tenant_id` whose rows outlive the tenant: the audit log records the deletion itself. */
export const TENANT_TABLES_KEPT = ['audit_log'] as const;

/** Admin queries: filtered, keyset-paginated lists and bulk state changes. */
export function adminRepo(base: Db): AdminRepo {
  const db = withAdminTables(base);

  /** Revokes the live grants whose `column` is `value`, and their tokens; returns how many grants. */
  async function revokeGrantsWhere(tenantId: string, column: 'client_id' | 'sub', value: string, now: number): Promise<number> {
    const result = await db
      .updateTable('grants')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where(column, '=', value)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    await db
      .updateTable('tokens')
      .set({ revoked_at: now })
      .where('tenant_id', '=', tenantId)
      .where(column, '=', value)
      .where('revoked_at', 'is', null)
      .execute();
    return count(result.numUpdatedRows);
  }

  return {
    async isAdmin(tenantId, sub) {
      const row = await db.selectFrom('admins').select('sub').where('tenant_id', '=', tenantId).where('sub', '=', sub).executeTakeFirst();
      return row !== undefined;
    },

    async addAdmin(tenantId, sub, now) {
      await db
        .insertInto('admins')
        .values({ tenant_id: tenantId, sub, created_at: now })
        .onConflict((oc) => oc.columns(['tenant_id', 'sub']).doNothing())
        .execute();
    },

    async removeAdmin(tenantId, sub) {
      const result = await db.deleteFrom('admins').where('tenant_id', '=', tenantId).where('sub', '=', sub).executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },

    async listTenants(options) {
      const limit = pageSize(options);
      let query = db.selectFrom('tenants').selectAll();
      const range = prefixRange(options?.prefix);
      if (range) query = query.where('slug', '>=', range[0]).where('slug', '<', range[1]);
      if (options?.cursor !== undefined) query = query.where('slug', '>', options.cursor);
      const rows = await query.orderBy('slug').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.slug, tenantFromRow);
    },

    async listClients(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId);
      if (options?.source !== undefined) query = query.where('source', '=', options.source);
      const range = prefixRange(options?.prefix);
      if (range) query = query.where('client_id', '>=', range[0]).where('client_id', '<', range[1]);
      if (options?.cursor !== undefined) query = query.where('client_id', '>', options.cursor);
      const rows = await query.orderBy('client_id').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.client_id, clientFromRow);
    },

    async listUsers(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      const range = prefixRange(options?.prefix?.toLowerCase());
      if (range) query = query.where('username_lower', '>=', range[0]).where('username_lower', '<', range[1]);
      if (options?.cursor !== undefined) query = query.where('username_lower', '>', options.cursor);
      const rows = await query.orderBy('username_lower').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.username_lower, userFromRow);
    },

    async listConsents(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('consents').selectAll().where('tenant_id', '=', tenantId);
      if (options?.sub !== undefined) query = query.where('sub', '=', options.sub);
      if (options?.clientId !== undefined) query = query.where('client_id', '=', options.clientId);
      if (options?.cursor !== undefined) {
        // The cursor is the JSON pair [client_id, sub] of the last row; a malformed one starts over.
        let clientId = '';
        let sub = '';
        try {
          [clientId = '', sub = ''] = JSON.parse(options.cursor) as [string, string];
        } catch {
          // keep the empty pair
        }
        query = query.where((eb) => eb.or([eb('client_id', '>', clientId), eb.and([eb('client_id', '=', clientId), eb('sub', '>', sub)])]));
      }
      const rows = await query.orderBy('client_id').orderBy('sub').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => JSON.stringify([r.client_id, r.sub]), consentFromRow);
    },

    async listSessions(tenantId, now, options) {
      const limit = pageSize(options);
      let query = db
        .selectFrom('sessions')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now);
      if (options?.sub !== undefined) query = query.where('sub', '=', options.sub);
      if (options?.cursor !== undefined) query = query.where('id', '>', options.cursor);
      const rows = await query.orderBy('id').limit(limit + 1).execute();
      // The list shows sessions only; their clients are read per session when one is opened.
      return toPage(rows, limit, (r) => r.id, (r) => sessionFromRow(r, []));
    },

    revokeClientGrants: (tenantId, clientId, now) => revokeGrantsWhere(tenantId, 'client_id', clientId, now),

    revokeUserGrants: (tenantId, sub, now) => revokeGrantsWhere(tenantId, 'sub', sub, now),

    async claimSetting(key, value, now) {
      const result = await db
        .insertInto('admin_settings')
        .values({ key, value, created_at: now })
        .onConflict((oc) => oc.column('key').doNothing())
        .executeTakeFirst();
      return count(result.numInsertedOrUpdatedRows) > 0;
    },

    async deleteTenant(tenantId) {
      return db.transaction().execute(async (trx) => {
        for (const table of TENANT_TABLES) {
          await sql`delete from ${sql.table(table)} where tenant_id = ${tenantId}`.execute(trx);
        }
        const result = await trx.deleteFrom('tenants').where('id', '=', tenantId).executeTakeFirst();
        return count(result.numDeletedRows) > 0;
      });
    },
  };
}
