/**
 * Sender-constrained access at UserInfo (RFC 9449 §7): a DPoP-bound token is accepted only
 * with the `DPoP` scheme and a proof by its key over this request and this token.
 */
import type { Ctx } from '../../context.ts';
import { asResourceError, dpopInvalidToken } from '../../dpop/errors.ts';
import { verifyDpop } from '../../dpop/verify.ts';
import { InvalidDpopProof, UseDpopNonce } from '../../errors/oauth-error.ts';
import type { AccessTokenInfo } from '../../tokens/access-token.ts';
import type { ClientMetadata } from '../../domain/client.ts';

export interface ResourceRequestBinding {
  scheme: 'Bearer' | 'DPoP';
  /** The raw `DPoP` header(s). */
  dpop: string | string[] | undefined;
  method: string;
  /** The absolute URL of the resource, from the issuer. */
  url: string;
}

/**
 * Checks that `info` may be used by this request. Returns a `DPoP-Nonce` to send back, if any.
 * Throws invalid_token / invalid_dpop_proof / use_dpop_nonce with `WWW-Authenticate: DPoP`.
 */
export async function checkTokenBinding(ctx: Ctx, token: string, info: AccessTokenInfo, binding: ResourceRequestBinding, client?: ClientMetadata): Promise<string | undefined> {
  const realm = ctx.tenant.issuer;
  if (binding.scheme === 'Bearer') {
    // RFC 9449 §7.2: a DPoP-bound token presented as a bearer token is refused.
    if (info.cnfJkt !== null) throw dpopInvalidToken('this access token is DPoP-bound; send it with the DPoP scheme and a proof', realm);
    return undefined;
  }
  // RFC 9449 §7.1: the DPoP scheme is only for DPoP-bound tokens.
  if (info.cnfJkt === null) throw dpopInvalidToken('this access token is not DPoP-bound', realm);
  if (binding.dpop === undefined) throw asResourceError(new InvalidDpopProof('a DPoP proof is required'), realm);
  let verified;
  try {
    verified = await verifyDpop(ctx, { header: binding.dpop, method: binding.method, url: binding.url, accessToken: token, ...(client ? { client } : {}) });
  } catch (err) {
    if (err instanceof InvalidDpopProof || err instanceof UseDpopNonce) throw asResourceError(err, realm);
    throw err;
  }
  // RFC 9449 §7.1 / §6: the proof key must be the one the token is bound to.
  if (!verified || verified.jkt !== info.cnfJkt) throw asResourceError(new InvalidDpopProof('the DPoP proof key does not match the access token'), realm);
  return verified.nextNonce;
}
