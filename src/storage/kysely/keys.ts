import { sql } from 'kysely';
import type { PublicJwk, SigningAlg } from '../../keys/types.ts';
import type { KeyRepo, KeyStatus, SigningKeyRecord } from '../types.ts';
import type { Row } from './db.ts';
import { fromJson, toJson } from './util.ts';
import type { Db } from './util.ts';

function toRecord(row: Row<'signing_keys'>): SigningKeyRecord {
  return {
    tenantId: row.tenant_id,
    kid: row.kid,
    alg: row.alg as SigningAlg,
    publicJwk: fromJson<PublicJwk>(row.public_jwk),
    privateKeyEncrypted: row.private_key_encrypted,
    status: row.status as KeyStatus,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

function toRow(key: SigningKeyRecord): Row<'signing_keys'> {
  return {
    tenant_id: key.tenantId,
    kid: key.kid,
    alg: key.alg,
    public_jwk: toJson(key.publicJwk),
    private_key_encrypted: key.privateKeyEncrypted,
    status: key.status,
    created_at: key.createdAt,
    expires_at: key.expiresAt,
  };
}

/** Retires the tenant's active keys of `alg` (all but `keep`), published until `retireUntil`. */
async function retireActive(db: Db, tenantId: string, alg: string, retireUntil: number, keep?: string): Promise<void> {
  let query = db
    .updateTable('signing_keys')
    .set({ status: 'retired', expires_at: retireUntil })
    .where('tenant_id', '=', tenantId)
    .where('alg', '=', alg)
    .where('status', '=', 'active');
  if (keep !== undefined) query = query.where('kid', '!=', keep);
  await query.execute();
}

/** Signing keys, keyed by (tenant, kid). */
export function keyRepo(db: Db): KeyRepo {
  return {
    /**
     * Active keys first (JWKS consumers that take the first match get the signing key),
     * then newest first; retired keys only while `expiresAt > now`.
     */
    async listPublished(tenantId, now) {
      const rows = await db
        .selectFrom('signing_keys')
        .selectAll()
        .where('tenant_id', '=', tenantId)
        .where((eb) =>
          eb.or([
            eb('status', '=', 'active'),
            eb('status', '=', 'next'),
            eb.and([eb('status', '=', 'retired'), eb('expires_at', '>', now)]),
          ]),
        )
        .orderBy(sql`case when status = 'active' then 0 else 1 end`)
        .orderBy('created_at', 'desc')
        .orderBy('kid', 'desc')
        .execute();
      return rows.map(toRecord);
    },

    async insert(key) {
      await db.insertInto('signing_keys').values(toRow(key)).execute();
    },

    /**
     * `next` is stored as active with no expiry, whatever its `status`/`expiresAt` say.
     * The transaction writes first, so SQLite takes its write lock (and honours
     * busy_timeout) at the first statement rather than failing on a lock upgrade.
     * Two rotations of the same alg racing on PostgreSQL can both insert an active key;
     * rotation is an admin action, so that is left to the caller to serialise.
     */
    async rotate(tenantId, next, retireUntil) {
      await db.transaction().execute(async (trx) => {
        await retireActive(trx, tenantId, next.alg, retireUntil);
        await trx
          .insertInto('signing_keys')
          .values(toRow({ ...next, tenantId, status: 'active', expiresAt: null }))
          .execute();
      });
    },

    /**
     * The `next` row is claimed first: on PostgreSQL a concurrent promoter of the same kid
     * waits on its row lock and then matches nothing, so only one retires the old key.
     */
    async promote(tenantId, kid, retireUntil) {
      return db.transaction().execute(async (trx) => {
        const promoted = await trx
          .updateTable('signing_keys')
          .set({ status: 'active', expires_at: null })
          .where('tenant_id', '=', tenantId)
          .where('kid', '=', kid)
          .where('status', '=', 'next')
          .returning('alg')
          .executeTakeFirst();
        if (!promoted) return false;
        await retireActive(trx, tenantId, promoted.alg, retireUntil, kid);
        return true;
      });
    },
  };
}
