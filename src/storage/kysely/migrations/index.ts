/**
 * Every migration, listed statically: no filesystem scanning, so bundling or a changed
 * working directory cannot lose one. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.ts';
import type { MigrationDialect } from './0001-initial.ts';
import { outboxMigration } from './0002-outbox.ts';
import { deviceCibaMigration } from './0003-device-ciba.ts';
import { parMigration } from './0004-par.ts';
import { adminMigration } from './0005-admin.ts';

export type { MigrationDialect };

/** The migration provider for Kysely's `Migrator`, for one dialect. */
export function migrationProvider(dialect: MigrationDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialMigration(dialect),
    '0002-outbox': outboxMigration(dialect),
    '0003-device-ciba': deviceCibaMigration(dialect),
    '0004-par': parMigration(dialect),
    '0005-admin': adminMigration(dialect),
  };
  return {
    getMigrations: () => Promise.resolve(migrations),
  };
}
