import type { TokenKind, TokenLookup, TokenRecord, TokenRepo } from '../types.ts';
import type { Row } from './db.ts';
import { batchedInsert } from './batch.ts';
import { consumeOutcome, count, fromJson, prepared, preparedInsert, toJson } from './util.ts';
import { toRecord as grantRecord } from './grants.ts';
import type { Db } from './util.ts';

function toRecord(row: Row<'tokens'>): TokenRecord {
  return {
    tenantId: row.tenant_id,
    hash: row.hash,
    kind: row.kind as TokenKind,
    grantId: row.grant_id,
    clientId: row.client_id,
    sub: row.sub,
    scope: row.scope,
    audience: fromJson<string[]>(row.audience),
    cnfJkt: row.cnf_jkt,
    parentHash: row.parent_hash,
    extra: fromJson<Record<string, unknown>>(row.extra),
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    revokedAt: row.revoked_at,
  };
}

function toRow(token: TokenRecord): Row<'tokens'> {
  return {
    tenant_id: token.tenantId,
    hash: token.hash,
    kind: token.kind,
    grant_id: token.grantId,
    client_id: token.clientId,
    sub: token.sub,
    scope: token.scope,
    audience: toJson(token.audience),
    cnf_jkt: token.cnfJkt,
    parent_hash: token.parentHash,
    extra: toJson(token.extra),
    created_at: token.createdAt,
    expires_at: token.expiresAt,
    consumed_at: token.consumedAt,
    revoked_at: token.revokedAt,
  };
}

/** Access and refresh tokens, keyed by (tenant, hash). Inserts are group-committed (batch.ts). */
export function tokenRepo(db: Db): TokenRepo {
  const insertRows = preparedInsert(db, 'tokens');
  const findByHash = prepared(db, (db, arg) =>
    db
      .selectFrom('tokens')
      .leftJoin('grants', (join) => join.onRef('grants.tenant_id', '=', 'tokens.tenant_id').onRef('grants.id', '=', 'tokens.grant_id'))
      .selectAll('tokens')
      .select([
        'grants.id as g_id',
        'grants.client_id as g_client_id',
        'grants.sub as g_sub',
        'grants.scope as g_scope',
        'grants.resources as g_resources',
        'grants.claims as g_claims',
        'grants.auth_time as g_auth_time',
        'grants.acr as g_acr',
        'grants.amr as g_amr',
        'grants.sid as g_sid',
        'grants.created_at as g_created_at',
        'grants.expires_at as g_expires_at',
        'grants.revoked_at as g_revoked_at',
      ])
      .where('tokens.tenant_id', '=', arg(0))
      .where('tokens.hash', '=', arg(1)),
  );
  return {
    insert: batchedInsert<TokenRecord>((tokens) => insertRows(tokens.map(toRow))),

    /** The token with its grant (null when it has none or the grant row is gone), in one read. */
    async find(tenantId, hash) {
      const [row] = await findByHash(tenantId, hash);
      if (!row) return undefined;
      const grant =
        row.g_id === null
          ? null
          : grantRecord({
              tenant_id: row.tenant_id,
              id: row.g_id,
              client_id: row.g_client_id as string,
              sub: row.g_sub,
              scope: row.g_scope as string,
              resources: row.g_resources as string,
              claims: row.g_claims,
              auth_time: row.g_auth_time,
              acr: row.g_acr,
              amr: row.g_amr,
              sid: row.g_sid,
              created_at: row.g_created_at as number,
              expires_at: row.g_expires_at as number,
              revoked_at: row.g_revoked_at,
            });
      const lookup: TokenLookup = { ...toRecord(row), grant };
      return lookup;
    },

    /**
     * One UPDATE decides, as for codes. Only refresh tokens can be consumed: an access
     * token's hash is `missing` here. A revoked token that was never consumed is `missing`
     * too (it cannot be redeemed, and it is not evidence of replay); a consumed one is
     * `reused` until swept, revoked or not, so a replayed refresh token is always noticed.
     */
    async consume(tenantId, hash, now) {
      const won = await db
        .updateTable('tokens')
        .set({ consumed_at: now })
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .where('kind', '=', 'refresh_token')
        .where('consumed_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returningAll()
        .executeTakeFirst();
      return consumeOutcome(
        won,
        () =>
          db
            .selectFrom('tokens')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('hash', '=', hash)
            .where('kind', '=', 'refresh_token')
            .executeTakeFirst(),
        toRecord,
      );
    },

    /** Live means unrevoked and unexpired; consumption does not matter. */
    async revoke(tenantId, hash, now) {
      const result = await db
        .updateTable('tokens')
        .set({ revoked_at: now })
        .where('tenant_id', '=', tenantId)
        .where('hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return count(result.numUpdatedRows) > 0;
    },
  };
}
