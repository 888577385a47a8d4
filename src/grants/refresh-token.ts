/** The refresh token grant (RFC 6749 §6) with rotation and reuse detection (RFC 9700 §4.14.2). */
import { InvalidGrant } from '../errors/oauth-error.ts';
import { isFapi } from '../fapi/profile.ts';
import { hashSecret } from '../security/secrets.ts';
import type { TokenRecord } from '../storage/types.ts';
import { issueUserTokens, liveUser, revokeGrant } from './issue-tokens.ts';
import { narrowResources, narrowScope } from './scope.ts';
import type { Grant, GrantInput } from './types.ts';

const INVALID = 'the refresh token is invalid, expired or revoked';

async function handle({ ctx, client, params }: GrantInput) {
  const presented = params.require('refresh_token');
  const hash = hashSecret(presented);
  const now = ctx.now();
  const found = await ctx.storage.tokens.find(ctx.tenant.id, hash);
  if (!found || found.kind !== 'refresh_token' || found.revokedAt !== null || found.grant?.revokedAt != null || found.expiresAt <= now) {
    throw new InvalidGrant(INVALID);
  }
  // RFC 6749 §6: the refresh token was issued to the authenticated client.
  if (found.clientId !== client.clientId) throw new InvalidGrant('the refresh token was issued to another client');
  const grant = found.grant;
  if (!found.grantId || !grant) throw new InvalidGrant(INVALID);
  // RFC 9449 §5.0: a refresh token bound to a DPoP key (public clients) needs a proof by that key.
  if (found.cnfJkt !== null && found.cnfJkt !== ctx.dpopJkt) throw new InvalidGrant('the refresh token is bound to another DPoP key');

  // FAPI 2.0 Security Profile §5.3.2.1: no refresh token rotation (except in extraordinary circumstances).
  const rotate = ctx.config.features.refreshTokenRotation === 'rotate' && !isFapi(ctx, client.metadata);
  let token: TokenRecord = found;
  if (rotate) {
    const result = await ctx.storage.tokens.consume(ctx.tenant.id, hash, now);
    if (result.status === 'missing') throw new InvalidGrant(INVALID);
    const grace = ctx.config.features.refreshTokenReuseGrace;
    const retried = result.status === 'reused' && result.record.consumedAt !== null && now - result.record.consumedAt <= grace && grace > 0;
    if (result.status === 'reused' && !retried) {
      // RFC 9700 §4.14.2: a rotated refresh token used again means it leaked; end the whole family.
      await revokeGrant(ctx, found.grantId);
      throw new InvalidGrant('the refresh token was already used', { detail: `refresh token reuse for grant ${found.grantId}` });
    }
    token = result.record;
  }

  const user = await liveUser(ctx, grant);
  if (!user) throw new InvalidGrant(INVALID);
  return issueUserTokens(ctx, {
    client,
    grant,
    user,
    scope: narrowScope(params, token.scope),
    audience: narrowResources(ctx, params, token.audience),
    refresh: rotate ? 'new' : { keep: presented },
    parentHash: hash,
    // Rotation keeps the family's absolute lifetime.
    refreshExpiresAt: token.expiresAt,
  });
}

export const refreshTokenGrant: Grant = { type: 'refresh_token', handle };
