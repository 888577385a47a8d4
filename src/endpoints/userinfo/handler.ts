/** The UserInfo endpoint (OIDC Core §5.3): the signed-in user's claims for the token's scopes. */
import type { Ctx } from '../../context.ts';
import { InsufficientScope, InvalidToken } from '../../errors/oauth-error.ts';
import { isSigningAlg } from '../../keys/types.ts';
import { splitScope } from '../../grants/scope.ts';
import { validateAccessToken } from '../../tokens/access-token.ts';
import { userClaims, type ClaimsRequest } from '../../tokens/claims.ts';
import { subjectFor } from '../../tokens/subject.ts';
import { dpopInvalidToken } from '../../dpop/errors.ts';
import { checkTokenBinding, type ResourceRequestBinding } from './dpop.ts';

/**
 * Plain JSON claims, or a JWT when the client registered `userinfo_signed_response_alg` (OIDC
 * Core §5.3.2); `dpopNonce` is a fresh DPoP nonce for the `DPoP-Nonce` header, if any.
 */
export type UserInfoResponse = ({ type: 'json'; claims: Record<string, unknown> } | { type: 'jwt'; jwt: string }) & { dpopNonce?: string };

export async function handleUserInfo(token: string, ctx: Ctx, binding: ResourceRequestBinding): Promise<UserInfoResponse> {
  const info = await validateAccessToken(ctx, token);
  // RFC 6750 §3.1: expired, revoked or malformed tokens are invalid_token (RFC 9449 §7.1: a DPoP challenge for DPoP requests).
  if (!info) {
    if (binding.scheme === 'DPoP') throw dpopInvalidToken('the access token is invalid, expired or revoked', ctx.tenant.issuer);
    throw new InvalidToken('the access token is invalid, expired or revoked');
  }
  const dpopNonce = await checkTokenBinding(ctx, token, info, binding);
  const nonce = dpopNonce === undefined ? {} : { dpopNonce };
  const scopes = splitScope(info.scope);
  // OIDC Core §5.3: UserInfo needs a user and the openid scope.
  if (info.sub === null || !scopes.includes('openid')) throw new InsufficientScope('the access token does not carry the openid scope');
  const user = await ctx.storage.users.get(ctx.tenant.id, info.sub);
  if (!user || user.disabled) throw new InvalidToken('the user no longer exists');
  const requested = (info.grant?.claims as { userinfo?: ClaimsRequest } | null)?.userinfo;
  const client = await ctx.storage.clients.get(ctx.tenant.id, info.clientId);
  if (!client) throw new InvalidToken('the client no longer exists');
  // OIDC Core §5.3.2: the sub is the one the ID token carried for this client.
  const claims = { ...userClaims(user, scopes, requested), sub: subjectFor(ctx, client.metadata, user.id) };
  const alg = client.metadata.userinfo_signed_response_alg;
  if (!isSigningAlg(alg)) return { type: 'json', claims, ...nonce };
  // OIDC Core §5.3.2: a signed response carries iss and aud.
  const jwt = await ctx.keys.sign(ctx.tenant.id, alg, { ...claims, iss: ctx.tenant.issuer, aud: info.clientId }, { typ: 'JWT' });
  return { type: 'jwt', jwt, ...nonce };
}
