/**
 * Token issuance shared by every grant that acts for a user (authorization code, refresh,
 * password, and later device and CIBA): an access token, a refresh token when the client may
 * refresh, an ID token for OpenID requests.
 */
import type { Ctx } from '../context.ts';
import { isPublicClient } from '../domain/client.ts';
import { InvalidGrant } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import type { ClientRecord, GrantRecord, UserRecord } from '../storage/types.ts';
import { issueAccessToken } from '../tokens/access-token.ts';
import { userClaims, type ClaimsRequest } from '../tokens/claims.ts';
import { issueIdToken } from '../tokens/id-token.ts';
import { issueRefreshToken } from '../tokens/refresh-token.ts';
import { narrowResources, splitScope } from './scope.ts';
import type { TokenResponse } from './types.ts';

export interface UserTokenRequest {
  client: ClientRecord;
  grant: GrantRecord;
  user: UserRecord;
  /** Scope of this access token (may be narrower than the grant's). */
  scope: string;
  audience: string[];
  nonce?: string | null;
  /**
   * Refresh: `'new'` issues a fresh refresh token (first issue, or rotation with `parentHash`);
   * `{ keep }` returns the presented token unchanged (no rotation); `'none'` issues none.
   */
  refresh: 'new' | 'none' | { keep: string };
  parentHash?: string | null;
  refreshExpiresAt?: number;
  /** Extra ID token claims computed from what was issued (CIBA push: `auth_req_id`, `rt_hash`). */
  extraIdTokenClaims?: (issued: TokenResponse) => Record<string, unknown>;
}

function idTokenClaimsRequest(grant: GrantRecord): ClaimsRequest | undefined {
  const claims = grant.claims as { id_token?: ClaimsRequest } | null;
  return claims?.id_token ?? undefined;
}

export async function issueUserTokens(ctx: Ctx, req: UserTokenRequest): Promise<TokenResponse> {
  const { client, grant, user } = req;
  const newRefresh = req.refresh === 'new' && client.metadata.grant_types.includes('refresh_token');
  // Issued together, an opaque access token and the refresh token reach the database as one
  // multi-row insert (storage/kysely/batch.ts): one write for both.
  const [at, refreshToken] = await Promise.all([
    issueAccessToken(ctx, {
      client,
      sub: user.id,
      scope: req.scope,
      audience: req.audience,
      grantId: grant.id,
      authTime: grant.authTime,
      acr: grant.acr,
      amr: grant.amr,
    }),
    newRefresh
      ? issueRefreshToken(ctx, {
          clientId: client.clientId,
          sub: user.id,
          scope: grant.scope,
          audience: grant.resources,
          grantId: grant.id,
          parentHash: req.parentHash ?? null,
          // RFC 9449 §5.0: a public client's refresh tokens are bound to its DPoP key.
          cnfJkt: isPublicClient(client.metadata) ? (ctx.dpopJkt ?? null) : null,
          ...(req.refreshExpiresAt !== undefined ? { expiresAt: req.refreshExpiresAt } : {}),
        })
      : undefined,
  ]);
  const response: TokenResponse = { access_token: at.token, token_type: at.tokenType, expires_in: at.expiresIn, scope: req.scope };
  if (refreshToken !== undefined) response.refresh_token = refreshToken;
  else if (typeof req.refresh === 'object') response.refresh_token = req.refresh.keep;

  if (splitScope(grant.scope).includes('openid')) {
    // OIDC Core §5.4: with an access token issued, scope claims come from UserInfo; only
    // individually requested claims (§5.5) go into the ID token.
    const requested = idTokenClaimsRequest(grant);
    response.id_token = await issueIdToken(ctx, {
      client: client.metadata,
      sub: user.id,
      authTime: grant.authTime,
      nonce: req.nonce,
      sid: grant.sid,
      acr: grant.acr,
      amr: grant.amr,
      accessToken: at.token,
      claims: userClaims(user, [], requested),
      ...(req.extraIdTokenClaims ? { extra: req.extraIdTokenClaims(response) } : {}),
    });
  }
  return response;
}

/** Ends a grant and every token issued from it (code replay, refresh-token reuse, logout): one transaction. */
export async function revokeGrant(ctx: Ctx, grantId: string): Promise<void> {
  await ctx.storage.grants.revoke(ctx.tenant.id, grantId, ctx.now());
}

/** The grant's user when the grant is live and the user still exists and is enabled. */
export async function liveUser(ctx: Ctx, grant: GrantRecord): Promise<UserRecord | undefined> {
  if (grant.revokedAt !== null || grant.expiresAt <= ctx.now() || grant.sub === null) return undefined;
  const user = await ctx.storage.users.get(ctx.tenant.id, grant.sub);
  return user && !user.disabled ? user : undefined;
}

/**
 * The tokens of a grant the user approved (authorization code, device code, CIBA): the grant's
 * scope, the requested resources narrowed to the grant's, and a new refresh token when the
 * client may have one. `invalid_grant` when the grant is missing, revoked or expired, or its
 * user is gone or disabled.
 */
export async function issueForApprovedGrant(
  ctx: Ctx,
  client: ClientRecord,
  grantId: string | null,
  params: Params,
  extra: Pick<UserTokenRequest, 'nonce' | 'extraIdTokenClaims'> = {},
): Promise<TokenResponse> {
  const grant = grantId ? await ctx.storage.grants.get(ctx.tenant.id, grantId) : undefined;
  if (!grant) throw new InvalidGrant('the authorization is no longer valid');
  return issueForGrant(ctx, client, grant, params, extra);
}

/** `issueForApprovedGrant` for a grant already in hand. */
export async function issueForGrant(
  ctx: Ctx,
  client: ClientRecord,
  grant: GrantRecord,
  params: Params,
  extra: Pick<UserTokenRequest, 'nonce' | 'extraIdTokenClaims'> = {},
): Promise<TokenResponse> {
  const user = await liveUser(ctx, grant);
  if (!user) throw new InvalidGrant('the authorization is no longer valid');
  return issueUserTokens(ctx, { client, grant, user, scope: grant.scope, audience: narrowResources(ctx, params, grant.resources), refresh: 'new', ...extra });
}
