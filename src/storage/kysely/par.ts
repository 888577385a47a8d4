import type { Kysely } from 'kysely';
import type { ParRecord, ParRepo } from '../types.ts';
import { deleteExpired } from './sweep.ts';
import { consumeOutcome, fromJson, toJson, type Db } from './util.ts';

/** The `par_requests` table (migration 0004). */
interface ParTable {
  tenant_id: string;
  hash: string;
  client_id: string;
  /** JSON: the pushed parameters. */
  params: string;
  dpop_jkt: string | null;
  expires_at: number;
  consumed_at: number | null;
  created_at: number;
}

type ParDb = Kysely<{ par_requests: ParTable }>;

function toRecord(row: ParTable): ParRecord {
  return {
    tenantId: row.tenant_id,
    hash: row.hash,
    clientId: row.client_id,
    params: fromJson<Record<string, string | string[]>>(row.params),
    dpopJkt: row.dpop_jkt,
    expiresAt: Number(row.expires_at),
    consumedAt: row.consumed_at === null ? null : Number(row.consumed_at),
    createdAt: Number(row.created_at),
  };
}

/** Pushed authorization requests, keyed by (tenant, sha256 of the request_uri). */
export function parRepo(base: Db): ParRepo {
  const db = base.withTables<{ par_requests: ParTable }>() as unknown as ParDb;
  return {
    async insert(r) {
      await db
        .insertInto('par_requests')
        .values({
          tenant_id: r.tenantId,
          hash: r.hash,
          client_id: r.clientId,
          params: toJson(r.params),
          dpop_jkt: r.dpopJkt,
          expires_at: r.expiresAt,
          consumed_at: r.consumedAt,
          created_at: r.createdAt,
        })
        .execute();
    },

    async findLive(tenantId, hash, now) {
      const row = await db
        .selectFrom('par_requests')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .where('consumed_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row ? toRecord(row) : undefined;
    },

    /** The UPDATE decides: exactly one concurrent caller flips `consumed_at`. */
    async consume(tenantId, hash, now) {
      const won = await db
        .updateTable('par_requests')
        .set({ consumed_at: now })
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .where('consumed_at', 'is', null)
        .returningAll()
        .executeTakeFirst();
      return consumeOutcome(
        won,
        () => db.selectFrom('par_requests').selectAll().where('tenant_id', '=', tenantId).where('hash', '=', hash).executeTakeFirst(),
        toRecord,
      );
    },

    async purge(before, batch) {
      const limit = Math.max(0, Math.trunc(batch));
      return limit === 0 ? 0 : deleteExpired(db, 'par_requests', 'hash', before, limit);
    },
  };
}
