/**
 * DPoP at Portcullis's own endpoints (token, PAR, UserInfo): the stateless proof checks plus
 * server nonces (`features.dpopNonce`) and `jti` replay detection through the shared replay
 * store, which works across instances (RFC 9449 §11.1).
 */
import type { Ctx } from '../context.ts';
import type { ClientMetadata } from '../domain/client.ts';
import { InvalidDpopProof, UseDpopNonce } from '../errors/oauth-error.ts';
import { FAPI_ALGS, isFapi } from '../fapi/profile.ts';
import { currentNonce, isValidNonce } from './nonce.ts';
import { checkDpopProof, DPOP_SIGNING_ALGS, singleProof } from './proof.ts';

export interface DpopRequest {
  /** The raw `DPoP` header(s). */
  header: string | string[] | undefined;
  method: string;
  /** The absolute URL of the endpoint, built from the issuer. */
  url: string;
  /** The access token sent with the proof (resource requests). */
  accessToken?: string;
  /** The client, when known: FAPI 2.0 narrows the algorithms. */
  client?: ClientMetadata;
}

export interface VerifiedDpop {
  jkt: string;
  /** The proof's JWS algorithm. */
  alg: string;
  /** A fresh nonce to send back in `DPoP-Nonce` (nonces on, and the client's is not the current one). */
  nextNonce: string | undefined;
}

/** The algorithms accepted from this client. */
export function dpopAlgorithms(ctx: Ctx, client?: ClientMetadata): readonly string[] {
  // FAPI 2.0 Security Profile §5.4: PS256, ES256 and EdDSA only.
  return isFapi(ctx, client) ? FAPI_ALGS : DPOP_SIGNING_ALGS;
}

/**
 * Verifies the request's DPoP proof; `undefined` when none was sent. Throws InvalidDpopProof
 * (bad or replayed proof) or UseDpopNonce with a `DPoP-Nonce` header (RFC 9449 §8).
 */
export async function verifyDpop(ctx: Ctx, req: DpopRequest): Promise<VerifiedDpop | undefined> {
  const proof = singleProof(req.header);
  if (proof === undefined) return undefined;
  const now = ctx.now();
  const checked = await checkDpopProof(proof, {
    method: req.method,
    url: req.url,
    now,
    algorithms: dpopAlgorithms(ctx, req.client),
    ...(req.accessToken !== undefined ? { accessToken: req.accessToken } : {}),
  });
  let nextNonce: string | undefined;
  if (ctx.config.features.dpopNonce) {
    const fresh = currentNonce(ctx);
    // RFC 9449 §8: without a valid server nonce the client gets use_dpop_nonce and a new one.
    if (checked.nonce === undefined) throw new UseDpopNonce('a DPoP nonce is required', { headers: { 'dpop-nonce': fresh } });
    if (!isValidNonce(ctx, checked.nonce)) throw new UseDpopNonce('the DPoP nonce is invalid or expired', { headers: { 'dpop-nonce': fresh } });
    if (checked.nonce !== fresh) nextNonce = fresh;
  }
  // RFC 9449 §11.1: a proof is accepted once; its jti is remembered while its iat is acceptable.
  const unique = await ctx.storage.replay.remember(ctx.tenant.id, `dpop:${checked.jkt}`, checked.jti, checked.replayUntil, now);
  if (!unique) throw new InvalidDpopProof('the DPoP proof was already used');
  return { jkt: checked.jkt, alg: checked.alg, nextNonce };
}
