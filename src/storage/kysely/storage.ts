import { Migrator, sql } from 'kysely';
import type { Storage } from '../types.ts';
import { clientRepo } from './clients.ts';
import { codeRepo } from './codes.ts';
import { consentRepo } from './consents.ts';
import { grantRepo } from './grants.ts';
import { keyRepo } from './keys.ts';
import { migrationProvider } from './migrations/index.ts';
import { replayRepo } from './replay.ts';
import { sessionRepo } from './sessions.ts';
import { sweep } from './sweep.ts';
import { tenantRepo } from './tenants.ts';
import { tokenRepo } from './tokens.ts';
import { userRepo } from './users.ts';
import type { Db } from './util.ts';

/**
 * PostgreSQL: Kysely decides whether its bookkeeping tables exist by looking through every
 * schema, so another schema's `kysely_migration` (another app, another test run) would make
 * it skip creating ours. Naming the schema the tables land in (the first on search_path)
 * scopes that check.
 */
async function migrationSchema(db: Db, dialect: Storage['dialect']): Promise<{ migrationTableSchema?: string }> {
  if (dialect !== 'postgres') return {};
  const { rows } = await sql<{ schema: string | null }>`select current_schema() as schema`.execute(db);
  const schema = rows[0]?.schema;
  return schema ? { migrationTableSchema: schema } : {};
}

/**
 * Assembles the repositories over one Kysely instance. The same code serves SQLite and
 * PostgreSQL; `dialect` only selects migration details. `close()` destroys the instance
 * (and its connection or pool).
 */
export function kyselyStorage(db: Db, dialect: Storage['dialect']): Storage {
  return {
    dialect,
    tenants: tenantRepo(db),
    clients: clientRepo(db),
    users: userRepo(db),
    keys: keyRepo(db),
    grants: grantRepo(db),
    codes: codeRepo(db),
    tokens: tokenRepo(db),
    sessions: sessionRepo(db),
    consents: consentRepo(db),
    replay: replayRepo(db),

    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider(dialect),
        ...(await migrationSchema(db, dialect)),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        throw new Error(failed ? `migration ${failed} failed` : 'migration failed', { cause: error });
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    sweep: (now, batch) => sweep(db, now, batch),

    async close() {
      await db.destroy();
    },
  };
}
