/**
 * Pushed authorization requests (RFC 9126): the validated parameters behind each
 * `request_uri`, keyed by (tenant, sha256 of the request_uri) like every other bearer secret.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './0001-initial.ts';

export function parMigration(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('par_requests')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('params', 'text', (c) => c.notNull())
        .addColumn('dpop_jkt', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('par_requests_pk', ['tenant_id', 'hash'])
        .execute();
      await db.schema.createIndex('par_requests_expires_at').on('par_requests').column('expires_at').execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('par_requests').ifExists().execute();
    },
  };
}
