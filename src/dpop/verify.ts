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

/** A proof that passed every check but the replay check (`rememberDpop`). */
export interface CheckedDpop extends VerifiedDpop {
  jti: string;
  /** Epoch seconds until which the proof would be accepted, so its jti must be remembered. */
  replayUntil: number;
}

/**
 * Checks the request's DPoP proof and nonce; `undefined` when none was sent. Throws
 * InvalidDpopProof or UseDpopNonce with a `DPoP-Nonce` header (RFC 9449 §8). The token and PAR
 * endpoints check the proof before client authentication (a nonce round trip keeps the
 * client's assertion) and remember it only after, so an unauthenticated request writes nothing.
 */
export async function checkDpop(ctx: Ctx, req: DpopRequest): Promise<CheckedDpop | undefined> {
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
  return { jkt: checked.jkt, alg: checked.alg, nextNonce, jti: checked.jti, replayUntil: checked.replayUntil };
}

/** RFC 9449 §11.1: a proof is accepted once; its jti is remembered while its iat is acceptable. */
export async function rememberDpop(ctx: Ctx, dpop: CheckedDpop): Promise<void> {
  const unique = await ctx.storage.replay.remember(ctx.tenant.id, `dpop:${dpop.jkt}`, dpop.jti, dpop.replayUntil, ctx.now());
  if (!unique) throw new InvalidDpopProof('the DPoP proof was already used');
}

/** `checkDpop` then `rememberDpop`: for requests whose other credentials are already checked. */
export async function verifyDpop(ctx: Ctx, req: DpopRequest): Promise<VerifiedDpop | undefined> {
  const dpop = await checkDpop(ctx, req);
  if (dpop) await rememberDpop(ctx, dpop);
  return dpop;
}
