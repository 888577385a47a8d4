/**
 * Finds what a presented token is, for introspection and revocation. The `token_type_hint` only
 * orders the search (RFC 7009 §2.1, RFC 7662 §2.1): every supported type is tried.
 */
import type { Ctx } from '../context.ts';
import { hashSecret, PREFIX } from '../security/secrets.ts';
import type { TokenLookup } from '../storage/types.ts';
import { validateAccessToken, type AccessTokenInfo } from './access-token.ts';

export type FoundToken = { kind: 'access_token'; info: AccessTokenInfo } | { kind: 'refresh_token'; record: TokenLookup };

/** A live refresh token: unrevoked, unrotated, unexpired, and its grant live. */
async function liveRefreshToken(ctx: Ctx, token: string): Promise<TokenLookup | undefined> {
  const row = await ctx.storage.tokens.find(ctx.tenant.id, hashSecret(token));
  if (!row || row.kind !== 'refresh_token') return undefined;
  if (row.revokedAt !== null || row.grant?.revokedAt != null || row.consumedAt !== null || row.expiresAt <= ctx.now()) return undefined;
  return row;
}

/** The active token, or undefined for anything unknown, expired, revoked or malformed. */
export async function findActiveToken(ctx: Ctx, token: string): Promise<FoundToken | undefined> {
  // Prefixes tell the types apart without a lookup; JWT access tokens have none.
  if (token.startsWith(PREFIX.refreshToken)) {
    const record = await liveRefreshToken(ctx, token);
    return record ? { kind: 'refresh_token', record } : undefined;
  }
  const info = await validateAccessToken(ctx, token);
  return info ? { kind: 'access_token', info } : undefined;
}
