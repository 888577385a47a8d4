/** Refresh tokens: opaque, prefixed, stored hashed, bound to their grant and rotated on use. */
import type { Ctx } from '../context.ts';
import { hashSecret, orderedSecret, PREFIX } from '../security/secrets.ts';

export interface RefreshTokenRequest {
  clientId: string;
  sub: string | null;
  scope: string;
  audience: string[];
  grantId: string;
  /** The token this one replaces (rotation), for the family chain. */
  parentHash?: string | null;
  cnfJkt?: string | null;
  /** Absolute expiry; defaults to now + lifetimes.refreshToken. Rotation keeps the family's expiry. */
  expiresAt?: number;
  extra?: Record<string, unknown>;
}

export async function issueRefreshToken(ctx: Ctx, req: RefreshTokenRequest): Promise<string> {
  const token = orderedSecret(PREFIX.refreshToken);
  const now = ctx.now();
  await ctx.storage.tokens.insert({
    tenantId: ctx.tenant.id,
    hash: hashSecret(token),
    kind: 'refresh_token',
    grantId: req.grantId,
    clientId: req.clientId,
    sub: req.sub,
    scope: req.scope,
    audience: req.audience,
    cnfJkt: req.cnfJkt ?? null,
    parentHash: req.parentHash ?? null,
    extra: req.extra ?? {},
    createdAt: now,
    expiresAt: req.expiresAt ?? now + ctx.config.lifetimes.refreshToken,
    consumedAt: null,
    revokedAt: null,
  });
  return token;
}
