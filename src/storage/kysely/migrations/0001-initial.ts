/**
 * The initial schema. Every tenant-owned table leads its primary key and unique indexes with
 * `tenant_id`, so each lookup is an index range scan within one tenant. Each table with an
 * expiry has an `expires_at` index so the sweeper's bounded deletes never scan the table.
 */
import { sql } from 'kysely';
import type { Kysely, Migration } from 'kysely';

export type MigrationDialect = 'sqlite' | 'postgres';

/**
 * Builds the migration for one dialect. The only difference: PostgreSQL key columns that
 * pages are ordered by use the "C" collation, so cursor order is byte order as in SQLite,
 * whatever the database's default locale.
 */
export function initialMigration(dialect: MigrationDialect): Migration {
  const orderedText = dialect === 'postgres' ? sql`text collate "C"` : sql`text`;

  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('tenants')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('slug', orderedText, (c) => c.notNull().unique())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();

      await db.schema
        .createTable('clients')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', orderedText, (c) => c.notNull())
        .addColumn('secret_hash', 'text')
        .addColumn('secret_encrypted', 'text')
        .addColumn('metadata', 'text', (c) => c.notNull())
        .addColumn('source', 'text', (c) => c.notNull())
        .addColumn('registration_token_hash', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('clients_pk', ['tenant_id', 'client_id'])
        .execute();

      await db.schema
        .createTable('users')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', orderedText, (c) => c.notNull())
        .addColumn('username', 'text', (c) => c.notNull())
        .addColumn('username_lower', 'text', (c) => c.notNull())
        .addColumn('password_hash', 'text')
        .addColumn('claims', 'text', (c) => c.notNull())
        .addColumn('disabled', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('users_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema
        .createIndex('users_username_lower')
        .on('users')
        .columns(['tenant_id', 'username_lower'])
        .unique()
        .execute();

      await db.schema
        .createTable('signing_keys')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('kid', 'text', (c) => c.notNull())
        .addColumn('alg', 'text', (c) => c.notNull())
        .addColumn('public_jwk', 'text', (c) => c.notNull())
        .addColumn('private_key_encrypted', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint')
        .addPrimaryKeyConstraint('signing_keys_pk', ['tenant_id', 'kid'])
        .execute();
      await db.schema
        .createIndex('signing_keys_status')
        .on('signing_keys')
        .columns(['tenant_id', 'status', 'alg'])
        .execute();
      await db.schema.createIndex('signing_keys_expires_at').on('signing_keys').column('expires_at').execute();

      await db.schema
        .createTable('grants')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('sub', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('resources', 'text', (c) => c.notNull())
        .addColumn('claims', 'text')
        .addColumn('auth_time', 'bigint')
        .addColumn('acr', 'text')
        .addColumn('amr', 'text')
        .addColumn('sid', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('revoked_at', 'bigint')
        .addPrimaryKeyConstraint('grants_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema.createIndex('grants_expires_at').on('grants').column('expires_at').execute();

      await db.schema
        .createTable('codes')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('redirect_uri', 'text', (c) => c.notNull())
        .addColumn('code_challenge', 'text')
        .addColumn('code_challenge_method', 'text')
        .addColumn('nonce', 'text')
        .addColumn('dpop_jkt', 'text')
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('codes_pk', ['tenant_id', 'hash'])
        .execute();
      await db.schema.createIndex('codes_expires_at').on('codes').column('expires_at').execute();

      await db.schema
        .createTable('tokens')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('hash', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('grant_id', 'text')
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('sub', 'text')
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('audience', 'text', (c) => c.notNull())
        .addColumn('cnf_jkt', 'text')
        .addColumn('parent_hash', 'text')
        .addColumn('extra', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('consumed_at', 'bigint')
        .addColumn('revoked_at', 'bigint')
        .addPrimaryKeyConstraint('tokens_pk', ['tenant_id', 'hash'])
        .execute();
      await db.schema.createIndex('tokens_grant').on('tokens').columns(['tenant_id', 'grant_id']).execute();
      await db.schema.createIndex('tokens_expires_at').on('tokens').column('expires_at').execute();

      await db.schema
        .createTable('sessions')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('id', 'text', (c) => c.notNull())
        .addColumn('cookie_hash', 'text', (c) => c.notNull())
        .addColumn('sub', 'text', (c) => c.notNull())
        .addColumn('auth_time', 'bigint', (c) => c.notNull())
        .addColumn('acr', 'text')
        .addColumn('amr', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addColumn('ended_at', 'bigint')
        .addPrimaryKeyConstraint('sessions_pk', ['tenant_id', 'id'])
        .execute();
      await db.schema
        .createIndex('sessions_cookie_hash')
        .on('sessions')
        .columns(['tenant_id', 'cookie_hash'])
        .unique()
        .execute();
      await db.schema
        .createIndex('sessions_sub')
        .on('sessions')
        .columns(['tenant_id', 'sub', 'created_at'])
        .execute();
      await db.schema.createIndex('sessions_expires_at').on('sessions').column('expires_at').execute();

      // Deleting (sweeping) a session takes its client list with it.
      await db.schema
        .createTable('session_clients')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('session_id', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('session_clients_pk', ['tenant_id', 'session_id', 'client_id'])
        .addForeignKeyConstraint(
          'session_clients_session_fk',
          ['tenant_id', 'session_id'],
          'sessions',
          ['tenant_id', 'id'],
          (c) => c.onDelete('cascade'),
        )
        .execute();

      await db.schema
        .createTable('consents')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('sub', 'text', (c) => c.notNull())
        .addColumn('client_id', 'text', (c) => c.notNull())
        .addColumn('scope', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('consents_pk', ['tenant_id', 'sub', 'client_id'])
        .execute();

      await db.schema
        .createTable('replay')
        .addColumn('tenant_id', 'text', (c) => c.notNull())
        .addColumn('namespace', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .addPrimaryKeyConstraint('replay_pk', ['tenant_id', 'namespace', 'key'])
        .execute();
      await db.schema.createIndex('replay_expires_at').on('replay').column('expires_at').execute();
    },

    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        'replay', 'consents', 'session_clients', 'sessions', 'tokens', 'codes',
        'grants', 'signing_keys', 'users', 'clients', 'tenants',
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
