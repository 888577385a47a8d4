import { sql } from 'kysely';
import type { TenantRecord, TenantRepo } from '../types.ts';
import type { Row } from './db.ts';
import type { Db } from './util.ts';

/** A `tenants` row as a record. */
export function toRecord(row: Row<'tenants'>): TenantRecord {
  return { id: row.id, slug: row.slug, name: row.name, createdAt: row.created_at };
}

/** Tenants, keyed by id; the slug is unique as well. */
export function tenantRepo(db: Db): TenantRepo {
  return {
    async list() {
      const rows = await db
        .selectFrom('tenants')
        .selectAll()
        // The default tenant first, then by slug.
        .orderBy(sql`case when id = 'default' then 0 else 1 end`)
        .orderBy('slug')
        .execute();
      return rows.map(toRecord);
    },

    async getBySlug(slug) {
      const row = await db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
      return row && toRecord(row);
    },

    async getById(id) {
      const row = await db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRecord(row);
    },

    async upsert(tenant) {
      await db
        .insertInto('tenants')
        .values({ id: tenant.id, slug: tenant.slug, name: tenant.name, created_at: tenant.createdAt })
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            slug: eb.ref('excluded.slug'),
            name: eb.ref('excluded.name'),
            created_at: eb.ref('excluded.created_at'),
          })),
        )
        .execute();
    },
  };
}
