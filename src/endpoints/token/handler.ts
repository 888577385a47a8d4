/** The token endpoint (RFC 6749 §3.2): authenticate the client, then run the requested grant. */
import type { Ctx } from '../../context.ts';
import { checkDpop, dpopAlgorithms, rememberDpop } from '../../dpop/verify.ts';
import { InvalidClient, InvalidDpopProof, InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from '../../errors/oauth-error.ts';
import { isFapi } from '../../fapi/profile.ts';
import { authenticateClient } from '../../http/client-auth/index.ts';
import type { Params } from '../../http/params.ts';
import { GRANTS } from '../../grants/registry.ts';
import type { TokenResponse } from '../../grants/types.ts';
import { endpointUrl } from '../discovery/handler.ts';

export interface TokenInput {
  params: Params;
  authorization: string | undefined;
  ip: string;
  /** The `DPoP` request header(s) (RFC 9449 §4.1). */
  dpop?: string | string[] | undefined;
  /** Filled with headers the response must carry (`DPoP-Nonce`). */
  responseHeaders?: Record<string, string>;
}

export async function handleToken(input: TokenInput, ctx: Ctx): Promise<TokenResponse> {
  const { params } = input;
  const grantType = params.get('grant_type');
  if (!grantType) throw new InvalidRequest('missing grant_type');
  const grant = GRANTS.get(grantType);
  if (!grant || (grant.enabled && !grant.enabled(ctx))) throw new UnsupportedGrantType(`grant_type ${grantType} is not supported`);
  // RFC 9449 §5: the proof is checked before client authentication, so a nonce round trip
  // (use_dpop_nonce) does not spend the client's assertion; it is remembered only after.
  const url = endpointUrl(ctx, '/token');
  const dpop = await checkDpop(ctx, { header: input.dpop, method: 'POST', url });
  if (dpop?.nextNonce && input.responseHeaders) input.responseHeaders['dpop-nonce'] = dpop.nextNonce;

  // RFC 6749 §4.4 / §3.2.1: grants for confidential clients only need real client authentication,
  // so a public client there fails as invalid_client (401).
  const { client, method } = await authenticateClient(ctx, { authorization: input.authorization, params, endpointUrl: url }, { allowPublic: !grant.confidentialOnly });
  // RFC 6749 §5.2: the client must be registered for the grant type.
  if (!client.metadata.grant_types.includes(grant.type)) throw new UnauthorizedClient(`the client is not allowed to use ${grantType}`);
  const fapi = isFapi(ctx, client.metadata);
  // FAPI 2.0 Security Profile §5.3.1.2 / §5.3.2.1: confidential clients with private_key_jwt only.
  if (fapi && method !== 'private_key_jwt') throw new InvalidClient('this client must authenticate with private_key_jwt');
  if (dpop) {
    // FAPI 2.0 Security Profile §5.4: the proof's algorithm must be one the profile allows.
    if (!dpopAlgorithms(ctx, client.metadata).includes(dpop.alg)) throw new InvalidDpopProof(`DPoP proof alg ${dpop.alg} is not accepted`);
    await rememberDpop(ctx, dpop);
  } else if (client.metadata.dpop_bound_access_tokens === true || fapi) {
    // RFC 9449 §5.2: dpop_bound_access_tokens clients (and FAPI 2.0 §5.3.2.1 sender-constrained tokens) need a proof.
    throw new InvalidRequest('a DPoP proof is required for this client');
  }
  const grantCtx: Ctx = dpop ? { ...ctx, dpopJkt: dpop.jkt } : ctx;
  return grant.handle({ ctx: grantCtx, client, params, ip: input.ip });
}
