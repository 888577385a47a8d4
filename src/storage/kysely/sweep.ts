import { count } from './util.ts';
import type { Db } from './util.ts';

/**
 * Deletes up to `batch` expired rows from each table with an expiry and returns how many
 * went in all. Each DELETE picks its victims with a LIMITed subquery on the primary key
 * (through the `expires_at` index), so one call never holds locks on an unbounded set;
 * callers repeat until it returns 0. Consumed codes and tokens stay until they expire, so
 * replays remain detectable until then. A session's client list goes with it (cascade).
 */
export async function sweep(db: Db, now: number, batch: number): Promise<number> {
  const limit = Math.max(0, Math.trunc(batch));
  if (limit === 0) return 0;

  const results = [
    await db
      .deleteFrom('codes')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'hash'),
          'in',
          selectFrom('codes')
            .select(['tenant_id', 'hash'])
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'hash'),
        ),
      )
      .executeTakeFirst(),
    await db
      .deleteFrom('tokens')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'hash'),
          'in',
          selectFrom('tokens')
            .select(['tenant_id', 'hash'])
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'hash'),
        ),
      )
      .executeTakeFirst(),
    await db
      .deleteFrom('grants')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'id'),
          'in',
          selectFrom('grants')
            .select(['tenant_id', 'id'])
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'id'),
        ),
      )
      .executeTakeFirst(),
    await db
      .deleteFrom('sessions')
      .where(({ eb, refTuple, selectFrom }) =>
        eb(
          refTuple('tenant_id', 'id'),
          'in',
          selectFrom('sessions')
            .select(['tenant_id', 'id'])
            .where('expires_at', '<', now)
            .limit(limit)
            .$asTuple('tenant_id', 'id'),
        ),
      )
      .executeTakeFirst(),
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
  return results.reduce((sum, r) => sum + count(r.numDeletedRows), 0);
}
