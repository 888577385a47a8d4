import type { UserClaims } from '../../domain/user.ts';
import type { UserRecord, UserRepo } from '../types.ts';
import type { Row } from './db.ts';
import { count, fromJson, pageSize, toJson, toPage } from './util.ts';
import type { Db } from './util.ts';

/** A `users` row as a record; the admin queries map their rows with it too. */
export function toRecord(row: Row<'users'>): UserRecord {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    username: row.username,
    passwordHash: row.password_hash,
    claims: fromJson<UserClaims>(row.claims),
    disabled: row.disabled !== 0,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/**
 * Lowercased in JS, both when stored and when looked up, so the unique index and the
 * lookup agree whatever the database's own `lower()` does with non-ASCII letters.
 */
function fold(username: string): string {
  return username.toLowerCase();
}

/** Users, keyed by (tenant, id); usernames are unique per tenant, case-insensitively. */
export function userRepo(db: Db): UserRepo {
  return {
    async get(tenantId, id) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async getByUsername(tenantId, username) {
      const row = await db
        .selectFrom('users')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('username_lower', '=', fold(username))
        .executeTakeFirst();
      return row && toRecord(row);
    },

    async list(tenantId, options) {
      const limit = pageSize(options);
      let query = db.selectFrom('users').selectAll().where('tenant_id', '=', tenantId);
      if (options?.cursor !== undefined) query = query.where('id', '>', options.cursor);
      const rows = await query.orderBy('id').limit(limit + 1).execute();
      return toPage(rows, limit, (r) => r.id, toRecord);
    },

    async upsert(user) {
      // A conflict on (tenant_id, username_lower) with another id is not handled here: it
      // surfaces as the unique-constraint error the contract promises.
      await db
        .insertInto('users')
        .values({
          tenant_id: user.tenantId,
          id: user.id,
          username: user.username,
          username_lower: fold(user.username),
          password_hash: user.passwordHash,
          claims: toJson(user.claims),
          disabled: user.disabled ? 1 : 0,
          created_at: user.createdAt,
          updated_at: user.updatedAt,
        })
        .onConflict((oc) =>
          oc.columns(['tenant_id', 'id']).doUpdateSet((eb) => ({
            username: eb.ref('excluded.username'),
            username_lower: eb.ref('excluded.username_lower'),
            password_hash: eb.ref('excluded.password_hash'),
            claims: eb.ref('excluded.claims'),
            disabled: eb.ref('excluded.disabled'),
            created_at: eb.ref('excluded.created_at'),
            updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    },

    async setPassword(tenantId, id, passwordHash, now) {
      const result = await db
        .updateTable('users')
        .set({ password_hash: passwordHash, updated_at: now })
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },

    async delete(tenantId, id) {
      const result = await db
        .deleteFrom('users')
        .where('tenant_id', '=', tenantId)
        .where('id', '=', id)
        .executeTakeFirst();
      return count(result.numDeletedRows) > 0;
    },
  };
}
