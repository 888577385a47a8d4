import type { Kysely } from 'kysely';
import { count } from './util.ts';
import type { Db } from './util.ts';

/** The tables whose rows are keyed by (tenant_id, hash) or (tenant_id, id) and expire at `expires_at`. */
export type ExpiringTable = 'codes' | 'tokens' | 'grants' | 'sessions' | 'par_requests' | 'device_codes' | 'ciba_requests';

/** The columns `deleteExpired` touches, which each of those tables has under its real name. */
type ExpiringDb = Kysely<{ expiring: { tenant_id: string; hash: string; id: string; expires_at: number } }>;

/**
 * Deletes up to `limit` rows of `table` that expired before `before`, picked with a LIMITed
 * subquery on the primary key (tenant_id, `key`) through the `expires_at` index, so one call
 * never holds locks on an unbounded set. Returns how many went.
 */
export async function deleteExpired(db: object, table: ExpiringTable, key: 'hash' | 'id', before: number, limit: number): Promise<number> {
  const name = table as 'expiring';
  const result = await (db as ExpiringDb)
    .deleteFrom(name)
    .where(({ eb, refTuple, selectFrom }) =>
      eb(refTuple('tenant_id', key), 'in', selectFrom(name).select(['tenant_id', key]).where('expires_at', '<', before).limit(limit).$asTuple('tenant_id', key)),
    )
    .executeTakeFirst();
  return count(result.numDeletedRows);
}

/**
 * Deletes up to `batch` expired rows from each table with an expiry and returns how many
 * went in all. Each DELETE picks its victims as `deleteExpired` does, so one call never holds
 * locks on an unbounded set; callers repeat until it returns 0. Consumed codes and tokens stay until they expire, so
 * replays remain detectable until then. A session's client list goes with it (cascade).
 */
export async function sweep(db: Db, now: number, batch: number): Promise<number> {
  const limit = Math.max(0, Math.trunc(batch));
  if (limit === 0) return 0;

  let deleted =
    (await deleteExpired(db, 'codes', 'hash', now, limit)) +
    (await deleteExpired(db, 'tokens', 'hash', now, limit)) +
    (await deleteExpired(db, 'grants', 'id', now, limit)) +
    (await deleteExpired(db, 'sessions', 'id', now, limit));
  const results = [
    await db
      .deleteFrom('replay')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'namespace', 'key'),
          'in',
          selectFrom('replay')
            .select(['tenant_id', 'namespace', 'key'])
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'namespace', 'key'),
        ),
      )
      .executeTakeFirst(),
    // Active keys have no expiry; only retired keys past their publication end go.
    await db
      .deleteFrom('signing_keys')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'kid'),
          'in',
          selectFrom('signing_keys')
            .select(['tenant_id', 'kid'])
            .where('status', '=', 'retired')
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'kid'),
        ),
      )
      .executeTakeFirst(),
  ];
  for (const r of results) deleted += count(r.numDeletedRows);
  return deleted;
}
