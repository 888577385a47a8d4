/**
 * Opens the storage named by a URL: `sqlite:<path>` (`sqlite::memory:` for a private
 * in-memory database) or `postgres://…` / `postgresql://…`. Opening never migrates.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase } from 'kysely';
import type { PoolClient, QueryConfig, QueryResult } from 'pg';
import type Sqlite from 'better-sqlite3';
import type { Database } from './kysely/db.ts';
import { kyselyStorage } from './kysely/storage.ts';
import { setDirectExecutor, type DirectExecutor } from './kysely/util.ts';
import { tracingPlugins } from '../ops/tracing.ts';
import { startCheckpointer } from './checkpointer.ts';
import type { Storage } from './types.ts';

const SQLITE_PREFIX = 'sqlite:';

/**
 * Opens (but does not migrate) the database at `url`; call `storage.migrate()` next.
 * For SQLite the parent directory is created. Rejects on an unsupported scheme or when the
 * database does not answer.
 */
export async function openStorage(url: string): Promise<Storage> {
  let storage: Storage;
  // Each driver is imported only when its database is used: startup loads one, not both.
  if (url.startsWith(SQLITE_PREFIX)) storage = await openSqlite(sqlitePath(url));
  else if (url.startsWith('postgres://') || url.startsWith('postgresql://')) storage = await openPostgres(url);
  else throw new Error('unsupported database URL: expected sqlite:<path> or postgres://…');
  // Kysely connects lazily and skips teardown of a driver that never connected, which
  // would leave a SQLite handle open after close(); a first query here also surfaces a
  // bad URL or unreachable server at startup rather than on the first request.
  try {
    await storage.ping();
  } catch (error) {
    await storage.close();
    throw error;
  }
  return storage;
}

/** `sqlite:./x.db` and `sqlite:///abs/x.db` both name a file; `sqlite::memory:` is in memory. */
function sqlitePath(url: string): string {
  const rest = url.slice(SQLITE_PREFIX.length);
  return rest.startsWith('//') ? rest.slice(2) : rest;
}

async function openSqlite(path: string): Promise<Storage> {
  const { default: Sqlite } = await import('better-sqlite3');
  const memory = path === ':memory:' || path === '';
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  const database = new Sqlite(memory ? ':memory:' : path);
  configureSqlite(database);
  // An in-memory database has no WAL to checkpoint.
  const checkpointer = memory ? undefined : startCheckpointer(database, path);
  const statements = withStatementCache(database);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: statements }), plugins: tracingPlugins('sqlite') });
  setDirectExecutor(db, sqliteDirectExecutor(database, statements));
  const storage = kyselyStorage(db, 'sqlite');
  if (!checkpointer) return storage;
  return {
    ...storage,
    async close() {
      await checkpointer.stop();
      await storage.close();
    },
  };
}

/**
 * Portcullis's settings for a SQLite connection. WAL lets readers run beside the single writer
 * (several worker processes can share a file); NORMAL is durable across application crashes in
 * WAL mode; busy_timeout makes a writer wait for the lock instead of failing at once.
 */
export function configureSqlite(database: Sqlite.Database): void {
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  database.pragma('foreign_keys = ON');
  database.pragma('busy_timeout = 5000');
}

/**
 * The hot queries (`prepared` in kysely/util.ts) run straight on the connection: better-sqlite3
 * is synchronous, so Kysely's connection queue only adds a few promise hops to each. While a
 * Kysely transaction is open on the connection, a statement run here would join it, so the
 * query goes through Kysely instead and waits for the transaction to end.
 */
export function sqliteDirectExecutor(database: Sqlite.Database, statements: SqliteDatabase): DirectExecutor {
  return (query) => {
    if (database.inTransaction) return undefined;
    const statement = statements.prepare(query.sql) as Sqlite.Statement;
    if (statement.reader) return statement.all(query.parameters) as unknown[];
    statement.run(query.parameters);
    return [];
  };
}

/** The most distinct SQL texts kept prepared; the repositories use far fewer. */
const STATEMENT_CACHE_LIMIT = 512;

/**
 * Kysely prepares every query it runs, and preparing costs more than running a small query
 * on SQLite. The repositories issue the same few SQL texts with different parameters, so the
 * prepared statements are kept by text. better-sqlite3 is synchronous and Kysely never
 * streams here, so one statement is never in use twice at once.
 */
export function withStatementCache(database: Sqlite.Database): SqliteDatabase {
  const cache = new Map<string, Sqlite.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = cache.get(sql);
      if (!statement) {
        if (cache.size >= STATEMENT_CACHE_LIMIT) cache.clear();
        statement = database.prepare(sql);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Connections whose statements are no longer prepared by name (see withNamedStatements). */
const unnamedOnly = new WeakSet<PoolClient>();
const prepared = new WeakSet<PoolClient>();
const statementNames = new Map<string, string>();

function statementName(text: string): string {
  let name = statementNames.get(text);
  if (name === undefined) {
    if (statementNames.size >= STATEMENT_CACHE_LIMIT) statementNames.clear();
    name = `pc_${createHash('sha256').update(text).digest('hex').slice(0, 32)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * PostgreSQL parses and plans an unnamed statement on every execution. Kysely sends every
 * query unnamed, so each parameterised query is given a name derived from its text, and the
 * server keeps it prepared on that connection (about twice the queries per second here).
 * A prepared `select *` fails with SQLSTATE 0A000 after a migration changed its table under a
 * running process: that query is retried unnamed, and so is every later one on the connection.
 */
function withNamedStatements(client: PoolClient): PoolClient {
  if (prepared.has(client)) return client;
  prepared.add(client);
  const query = client.query.bind(client) as (config: QueryConfig) => Promise<QueryResult>;
  const named = async (text: string, values: unknown[]): Promise<QueryResult> => {
    if (unnamedOnly.has(client)) return query({ text, values });
    try {
      return await query({ name: statementName(text), text, values });
    } catch (err) {
      if ((err as { code?: string }).code !== '0A000') throw err;
      unnamedOnly.add(client);
      return query({ text, values });
    }
  };
  const original = client.query.bind(client) as (...args: unknown[]) => unknown;
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const values = rest[0];
    return typeof text === 'string' && Array.isArray(values) && values.length > 0 ? named(text, values) : original(text, ...rest);
  }) as PoolClient['query'];
  return client;
}

let int8Parser = false;

async function openPostgres(url: string): Promise<Storage> {
  const { default: pg } = await import('pg');
  if (!int8Parser) {
    // Times are epoch seconds in BIGINT columns, and counts are BIGINT too: read them as
    // numbers (exact up to 2^53) rather than pg's default strings.
    pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
    int8Parser = true;
  }
  const pool = new pg.Pool({ connectionString: url });
  // An idle client that loses its connection emits 'error' on the pool; unhandled, that
  // would crash the process. The pool has already discarded the client, and the next
  // query opens a fresh connection, so there is nothing else to do.
  pool.on('error', () => {});
  const named = { connect: async () => withNamedStatements(await pool.connect()), end: () => pool.end() };
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: named }), plugins: tracingPlugins('postgres') });
  return { ...kyselyStorage(db, 'postgres'), poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }) };
}
