import { Migrator, sql } from 'kysely';
import type { Storage } from '../types.ts';
import { clientRepo } from './clients.ts';
import { codeRepo } from './codes.ts';
import { consentRepo } from './consents.ts';
import { grantRepo } from './grants.ts';
import { keyRepo } from './keys.ts';
import { migrationProvider } from './migrations/index.ts';
import { parRepo } from './par.ts';
import { replayRepo } from './replay.ts';
import { logoutRepo } from './logout.ts';
import { outboxRepo } from './outbox.ts';
import { cibaRepo } from './ciba.ts';
import { sweepPollables } from './pollable.ts';
import { deviceCodeRepo } from './device-codes.ts';
import { sessionRepo } from './sessions.ts';
import { sweep } from './sweep.ts';
import { tenantRepo } from './tenants.ts';
import { tokenRepo } from './tokens.ts';
import { userRepo } from './users.ts';
import { adminRepo } from './admin.ts';
import { auditRepo } from './audit.ts';
import { initialAccessTokenRepo } from './initial-access-tokens.ts';
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

/** Pushed requests stay an hour past expiry: an authorization they started may still complete. */
const PAR_RETENTION = 3600;

/**
 * Assembles the repositories over one Kysely instance. The same code serves SQLite and
 * PostgreSQL; `dialect` only selects migration details. `close()` destroys the instance
 * (and its connection or pool).
 */
export function kyselyStorage(db: Db, dialect: Storage['dialect']): Storage {
  const par = parRepo(db);
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
    outbox: outboxRepo(db),
    logout: logoutRepo(db),
    deviceCodes: deviceCodeRepo(db),
    ciba: cibaRepo(db),
    par,
    initialAccessTokens: initialAccessTokenRepo(db),
    audit: auditRepo(db),
    admin: adminRepo(db),

    async migrate() {
      const migrator = new Migrator({
        db,
        provider: migrationProvider(dialect),
        ...(await migrationSchema(db, dialect)),
      });
      const { error, results } = await migrator.migrateToLatest();
      if (error !== undefined) {
        const failed = results?.find((r) => r.status === 'Error')?.migrationName;
        const reason = error instanceof Error ? error.message : String(error);
        throw new Error(`${failed ? `migration ${failed}` : 'migration'} failed: ${reason}`, { cause: error });
      }
      return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
    },

    async ping() {
      await sql`select 1`.execute(db);
    },

    sweep: async (now, batch) =>
      (await sweep(db, now, batch)) + (await par.purge(now - PAR_RETENTION, batch)) + (await sweepPollables(db, now, batch)),

    async exclusive(name, fn, options = {}) {
      if (dialect !== 'postgres') return fn();
      // One instance at a time, coordinated through PostgreSQL alone.
      return db.connection().execute(async (conn) => {
        const lock = sql`hashtext(current_schema() || ':portcullis:' || ${name})`;
        if (options.wait) await sql`select pg_advisory_lock(${lock})`.execute(conn);
        else {
          const got = await sql<{ locked: boolean }>`select pg_try_advisory_lock(${lock}) as locked`.execute(conn);
          if (got.rows[0]?.locked !== true) return undefined;
        }
        try {
          return await fn();
        } finally {
          await sql`select pg_advisory_unlock(${lock})`.execute(conn);
        }
      });
    },

    async close() {
      await db.destroy();
    },
  };
}
