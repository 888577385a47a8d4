import { sql } from 'kysely';
import type { ClientMetadata } from '../../domain/client.ts';
import type { UserClaims } from '../../domain/user.ts';
import type { AdminRepo, ClientSource } from '../types.ts';
import { withAdminTables } from './admin-tables.ts';
import { count, fromJson, pageSize, toPage } from './util.ts';
import type { Db } from './util.ts';

/** Rows that start with `prefix`, through the index: `key >= prefix AND key < prefix + U+FFFF`. */
function prefixRange(prefix: string | undefined): [string, string] | undefined {
  return prefix ? [prefix, `${prefix}\uffff`] : undefined;
}

/** Tables whose rows belong to one tenant and go with it. */
const TENANT_TABLES = [
  'session_clients', 'sessions', 'codes', 'tokens', 'grants', 'consents', 'replay', 'signing_keys',
  'users', 'clients', 'initial_access_tokens', 'admins',
] as const;

/** Admin queries: filtered, keyset-paginated lists and bulk state changes. */
export function adminRepo(base: Db): AdminRepo {
  const db = withAdminTables(base);
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
      return toPage(rows, limit, (r) => r.slug, (r) => ({ id: r.id, slug: r.slug, name: r.name, createdAt: r.created_at }));
    },

    async listClients(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('clients').selectAll().where('tenant_id', '=', tenantId);
      if (options?.source !== undefined) query = query.where('source', '=', options.source);
      const range = prefixRange(options?.prefix);
      if (range) query = query.where('client_id', '>=', range[0]).where('client_id', '<', range[1]);
      if (options?.cursor !== undefined) query = query.where('client_id', '>', options.cursor);
      const rows = await query.orderBy('client_id').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.client_id, (r) => ({
        tenantId: r.tenant_id,
        clientId: r.client_id,
        secretHash: r.secret_hash,
        secretEncrypted: r.secret_encrypted,
        metadata: fromJson<ClientMetadata>(r.metadata),
        source: r.source as ClientSource,
        registrationTokenHash: r.registration_token_hash,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
    },

    async listUsers(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      const range = prefixRange(options?.prefix?.toLowerCase());
      if (range) query = query.where('username_lower', '>=', range[0]).where('username_lower', '<', range[1]);
      if (options?.cursor !== undefined) query = query.where('username_lower', '>', options.cursor);
      const rows = await query.orderBy('username_lower').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.username_lower, (r) => ({
        tenantId: r.tenant_id,
        id: r.id,
        username: r.username,
        passwordHash: r.password_hash,
        claims: fromJson<UserClaims>(r.claims),
        disabled: r.disabled !== 0,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
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
      return toPage(rows, limit, (r) => JSON.stringify([r.client_id, r.sub]), (r) => ({
        tenantId: r.tenant_id,
        sub: r.sub,
        clientId: r.client_id,
        scope: r.scope,
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      }));
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
      return toPage(rows, limit, (r) => r.id, (r) => ({
        tenantId: r.tenant_id,
        id: r.id,
        cookieHash: r.cookie_hash,
        sub: r.sub,
        authTime: r.auth_time,
        acr: r.acr,
        amr: fromJson<string[]>(r.amr),
        createdAt: r.created_at,
        expiresAt: r.expires_at,
        endedAt: r.ended_at,
        clients: [],
      }));
    },

    async revokeClientGrants(tenantId, clientId, now) {
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await db
        .updateTable('tokens')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('client_id', '=', clientId)
        .where('revoked_at', 'is', null)
        .execute();
      return count(result.numUpdatedRows);
    },

    async revokeUserGrants(tenantId, sub, now) {
      const result = await db
        .updateTable('grants')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('sub', '=', sub)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      await db
        .updateTable('tokens')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('sub', '=', sub)
        .where('revoked_at', 'is', null)
        .execute();
      return count(result.numUpdatedRows);
    },

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
