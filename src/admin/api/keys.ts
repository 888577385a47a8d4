/** Admin API: a tenant's signing keys (public parts only) and rotation. */
import { InvalidRequest } from '../../errors/oauth-error.ts';
import { isSigningAlg, SIGNING_ALGS, type PublicJwk, type SigningAlg } from '../../keys/types.ts';
import { record, tenantOf, type AdminCtx } from '../context.ts';
import { objectBody, one, type Query } from './pagination.ts';

export interface KeyView {
  kid: string;
  alg: string;
  status: string;
  created_at: number;
  expires_at: number | null;
  public_jwk: PublicJwk;
}

/** Published keys (active, then retired until they expire); private keys never leave storage. */
export async function listKeys(actx: AdminCtx, tenantRef: string, query: Query = {}): Promise<{ items: KeyView[]; next_cursor: null }> {
  const tenant = await tenantOf(actx, tenantRef);
  const alg = one(query, 'alg');
  const status = one(query, 'status');
  // A handful of keys per tenant: one page, filtered here.
  const keys = (await actx.services.storage.keys.listPublished(tenant.id, actx.services.now())).filter((k) => (!alg || k.alg === alg) && (!status || k.status === status));
  return {
    items: keys.map((k) => ({ kid: k.kid, alg: k.alg, status: k.status, created_at: k.createdAt, expires_at: k.expiresAt, public_jwk: k.publicJwk })),
    next_cursor: null,
  };
}

/** Makes new keys active for the given algorithms (default: all); old ones stay published until they expire. */
export async function rotateKeys(actx: AdminCtx, tenantRef: string, body: unknown): Promise<{ rotated: PublicJwk[] }> {
  const tenant = await tenantOf(actx, tenantRef);
  const fields = body === undefined || body === null ? {} : objectBody(body);
  const algs = fields['algs'] ?? [...SIGNING_ALGS];
  if (!Array.isArray(algs) || algs.length === 0 || !algs.every(isSigningAlg)) {
    throw new InvalidRequest(`algs must be a non-empty array of ${SIGNING_ALGS.join(', ')}`);
  }
  const rotated = await actx.services.keys.rotate(tenant.id, algs as SigningAlg[]);
  await record(actx, { tenantId: tenant.id, action: 'keys.rotate', targetType: 'keys', targetId: tenant.id, detail: { kids: rotated.map((k) => k.kid) } });
  return { rotated };
}
