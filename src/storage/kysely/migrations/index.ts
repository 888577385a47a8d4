/**
 * Every migration, listed statically: no filesystem scanning, so bundling or a changed
 * working directory cannot lose one. Names sort in the order they must run.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { initialMigration } from './0001-initial.ts';
import type { MigrationDialect } from './0001-initial.ts';

export type { MigrationDialect };

/** The migration provider for Kysely's `Migrator`, for one dialect. */
export function migrationProvider(dialect: MigrationDialect): MigrationProvider {
  const migrations: Record<string, Migration> = {
    '0001-initial': initialMigration(dialect),
  };
  return {
    getMigrations: () => Promise.resolve(migrations),
  };
}
