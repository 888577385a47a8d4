/**
 * Token revocation (RFC 7009). Unknown tokens and other clients' tokens are left alone and the
 * answer is the same 200 (§2.2), so the endpoint reveals nothing about tokens it did not issue
 * to the caller.
 */
import type { Ctx } from '../../context.ts';
import { UnsupportedTokenType } from '../../errors/oauth-error.ts';
import { revokeGrant } from '../../grants/issue-tokens.ts';
import { hashSecret } from '../../security/secrets.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { findActiveToken } from '../../tokens/lookup.ts';

const HINTS = new Set(['access_token', 'refresh_token']);

export async function handleRevoke(ctx: Ctx, token: string, hint: string | undefined, caller: ClientRecord): Promise<void> {
  // RFC 7009 §2.2.1: a hint naming a type this server cannot revoke.
  if (hint !== undefined && !HINTS.has(hint)) throw new UnsupportedTokenType(`token_type_hint ${hint} is not supported`);
  const found = await findActiveToken(ctx, token);
  if (!found) return;
  const now = ctx.now();
  if (found.kind === 'refresh_token') {
    if (found.record.clientId !== caller.clientId) return;
    // RFC 7009 §2.1: revoking a refresh token also invalidates the access tokens of its grant.
    if (found.record.grantId) await revokeGrant(ctx, found.record.grantId);
    else await ctx.storage.tokens.revoke(ctx.tenant.id, found.record.hash, now);
    return;
  }
  const info = found.info;
  if (info.clientId !== caller.clientId) return;
  if (info.format === 'opaque') {
    await ctx.storage.tokens.revoke(ctx.tenant.id, info.id, now);
    return;
  }
  // A JWT cannot be recalled: its jti is remembered as revoked until the token would expire.
  await ctx.storage.tokens.insert({
    tenantId: ctx.tenant.id,
    hash: hashSecret(info.id),
    kind: 'access_token',
    grantId: info.grantId,
    clientId: info.clientId,
    sub: info.sub,
    scope: info.scope,
    audience: info.audience,
    cnfJkt: info.cnfJkt,
    parentHash: null,
    extra: {},
    createdAt: now,
    expiresAt: info.expiresAt,
    consumedAt: null,
    revokedAt: now,
  });
}
