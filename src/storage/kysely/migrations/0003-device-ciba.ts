/**
 * Device codes (RFC 8628) and CIBA requests (OpenID CIBA Core 1.0): the authorizations a
 * client polls for. Both are keyed by the hash of their bearer secret; the user code and the
 * approval secret have their own unique indexes for the pages that look them up.
 */
import type { CreateTableBuilder, Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './0001-initial.ts';

/** The columns a polled authorization needs, whatever its kind. */
function pollable(table: CreateTableBuilder<string, never>): CreateTableBuilder<string, string> {
  return table
    .addColumn('tenant_id', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('resources', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text')
    .addColumn('poll_interval', 'bigint', (c) => c.notNull())
    .addColumn('last_polled_at', 'bigint')
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('decided_at', 'bigint')
    .addColumn('consumed_at', 'bigint');
}

/** Same statements for both dialects: only portable column types are used. */
export function deviceCibaMigration(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await pollable(db.schema.createTable('device_codes'))
        .addColumn('user_code', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('device_codes_pk', ['tenant_id', 'hash'])
        .execute();
      await db.schema.createIndex('device_codes_user_code').on('device_codes').columns(['tenant_id', 'user_code']).unique().execute();
      await db.schema.createIndex('device_codes_expires_at').on('device_codes').column('expires_at').execute();

      await pollable(db.schema.createTable('ciba_requests'))
        .addColumn('approval_hash', 'text', (c) => c.notNull())
        .addColumn('sub', 'text', (c) => c.notNull())
        .addColumn('acr', 'text')
        .addColumn('binding_message', 'text')
        .addColumn('delivery_mode', 'text', (c) => c.notNull())
        .addColumn('notification_encrypted', 'text')
        .addPrimaryKeyConstraint('ciba_requests_pk', ['tenant_id', 'hash'])
        .execute();
      await db.schema.createIndex('ciba_requests_approval').on('ciba_requests').columns(['tenant_id', 'approval_hash']).unique().execute();
      await db.schema.createIndex('ciba_requests_sub').on('ciba_requests').columns(['tenant_id', 'sub', 'status']).execute();
      await db.schema.createIndex('ciba_requests_expires_at').on('ciba_requests').column('expires_at').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('ciba_requests').ifExists().execute();
      await db.schema.dropTable('device_codes').ifExists().execute();
    },
  };
}
