/**
 * The durable outbox (src/outbox/): HTTP deliveries written in the same transaction as the
 * state change that causes them, and the per-client circuit breakers of the dispatcher that
 * sends them. Also an index for ending a session's grants at logout.
 *
 * Scheduling columns (`*_ms`) hold epoch milliseconds, written only by the dispatcher, so
 * retries can be spaced finer than a second; `created_at` is epoch seconds like every table.
 */
import type { Kysely, Migration } from 'kysely';
import type { MigrationDialect } from './0001-initial.ts';

export function outboxMigration(_dialect: MigrationDialect): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('outbox')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('target_url', 'text', (c) => c.notNull())
        .addColumn('headers', 'text', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('max_attempts', 'integer', (c) => c.notNull())
        .addColumn('next_attempt_at_ms', 'bigint', (c) => c.notNull())
        .addColumn('lease_owner', 'text')
        .addColumn('lease_until_ms', 'bigint')
        .addColumn('last_attempt_at_ms', 'bigint')
        .addColumn('last_status', 'integer')
        .addColumn('last_error', 'text')
        .addColumn('delivered_at_ms', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      // The dispatcher's claim query: due pending rows in due order.
      await db.schema.createIndex('outbox_due').on('outbox').columns(['status', 'next_attempt_at_ms']).execute();
      await db.schema.createIndex('outbox_tenant').on('outbox').columns(['tenant_id', 'kind', 'status']).execute();

      await db.schema
        .createTable('outbox_breakers')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('open_until_ms', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('outbox_breakers_pk', ['tenant_id', 'client_id'])
        .execute();

      await db.schema.createIndex('grants_sid').on('grants').columns(['tenant_id', 'sid']).execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('grants_sid').ifExists().execute();
      await db.schema.dropTable('outbox_breakers').ifExists().execute();
      await db.schema.dropTable('outbox').ifExists().execute();
    },
  };
}
