/**
 * Client onboarding and administration: RFC 7591 §3 initial access tokens, the audit log,
 * administrator memberships and one-time settings (the bootstrap marker). Every table leads
 * its keys with `tenant_id` like the rest of the schema.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './0001-initial.ts';

export function adminMigration(dialect: MigrationDialect): Migration {
  const orderedText = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('initial_access_tokens')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', orderedText, (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('label', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addPrimaryKeyConstraint('initial_access_tokens_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema
        .createIndex('initial_access_tokens_hash')
        .on('initial_access_tokens')
        .columns(['tenant_id', 'hash'])
        .unique()
        .execute();

      // `id` sorts by time (zero-padded seconds, then a random suffix), so pages run newest first on the key.
      await db.schema
        .createTable('audit_log')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', orderedText, (c) => c.notNull())
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('actor', 'text', (c) => c.notNull())
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target_type', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('detail', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('audit_log_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('audit_log_action').on('audit_log').columns(['tenant_id', 'action', 'id']).execute();
      await db.schema.createIndex('audit_log_target').on('audit_log').columns(['tenant_id', 'target_type', 'target_id']).execute();
      await db.schema.createIndex('audit_log_id').on('audit_log').column('id').execute();

      await db.schema
        .createTable('admins')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('sub', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('admins_pk', ['tenant_id', 'sub'])
        .execute();

      await db.schema
        .createTable('admin_settings')
        .addColumn('key', 'text', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      // Admin lists filter clients by source and users by username prefix within a tenant.
      await db.schema.createIndex('clients_source').on('clients').columns(['tenant_id', 'source', 'client_id']).execute();
      await db.schema.createIndex('consents_client').on('consents').columns(['tenant_id', 'client_id', 'sub']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('consents_client').ifExists().execute();
      await db.schema.dropIndex('clients_source').ifExists().execute();
      for (const table of ['admin_settings', 'admins', 'audit_log', 'initial_access_tokens']) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
