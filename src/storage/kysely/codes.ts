import type { AuthorizationCodeRecord, CodeRepo } from '../types.ts';
import type { Row } from './db.ts';
import { consumeOutcome, prepared, preparedInsert, type Db } from './util.ts';
import { batchedInsert } from './batch.ts';

function toRecord(row: Row<'codes'>): AuthorizationCodeRecord {
  return {
    tenantId: row.tenant_id,
    hash: row.hash,
    grantId: row.grant_id,
    clientId: row.client_id,
    redirectUri: row.redirect_uri,
    codeChallenge: row.code_challenge,
    codeChallengeMethod: row.code_challenge_method === 'S256' ? 'S256' : null,
    nonce: row.nonce,
    dpopJkt: row.dpop_jkt,
    expiresAt: row.expires_at,
    consumedAt: row.consumed_at,
    createdAt: row.created_at,
  };
}

function toRow(code: AuthorizationCodeRecord): Row<'codes'> {
  return {
    tenant_id: code.tenantId,
    hash: code.hash,
    grant_id: code.grantId,
    client_id: code.clientId,
    redirect_uri: code.redirectUri,
    code_challenge: code.codeChallenge,
    code_challenge_method: code.codeChallengeMethod,
    nonce: code.nonce,
    dpop_jkt: code.dpopJkt,
    expires_at: code.expiresAt,
    consumed_at: code.consumedAt,
    created_at: code.createdAt,
  };
}

/** Authorization codes, keyed by (tenant, sha256 of the code). */
export function codeRepo(db: Db): CodeRepo {
  const insertRows = preparedInsert(db, 'codes');
  const consumeUnused = prepared(db, (db, arg) =>
    db
      .updateTable('codes')
      .set({ consumed_at: arg(2) })
      .where('tenant_id', '=', arg(0))
      .where('hash', '=', arg(1))
      .where('consumed_at', 'is', null)
      .where('expires_at', '>', arg(2))
      .returningAll(),
  );
  return {
    insert: batchedInsert<AuthorizationCodeRecord>((codes) => insertRows(codes.map(toRow))),

    /**
     * The UPDATE is the whole decision: the database lets exactly one concurrent caller
     * flip `consumed_at`. The follow-up SELECT only explains a miss. A consumed code stays
     * `reused` until it is swept, even past its expiry, so late replays still revoke the
     * grant (RFC 6749 §4.1.2); an unconsumed expired code is `missing`.
     */
    async consume(tenantId, hash, now) {
      const [won] = await consumeUnused(tenantId, hash, now);
      return consumeOutcome(
        won,
        () => db.selectFrom('codes').selectAll().where('tenant_id', '=', tenantId).where('hash', '=', hash).executeTakeFirst(),
        toRecord,
      );
    },
  };
}
