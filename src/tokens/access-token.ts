/**
 * Access tokens: JWT per RFC 9068 (signed with the tenant key, verifiable by anyone with the
 * JWKS), or opaque reference tokens (random, prefixed, stored only as their hash). Both carry
 * their grant so that revoking a grant (code replay, refresh-token reuse, logout) kills them.
 */
import { randomUUID } from 'node:crypto';
import type { ResourceConfig } from '../config/schema.ts';
import type { Ctx } from '../context.ts';
import { isFapi } from '../fapi/profile.ts';
import type { SigningAlg } from '../keys/types.ts';
import { hashSecret, orderedSecret, PREFIX } from '../security/secrets.ts';
import type { ClientRecord, GrantRecord } from '../storage/types.ts';

export interface AccessTokenRequest {
  /** The client the token is issued to, as the request already read it. */
  client: ClientRecord;
  /** Null for tokens that represent the client itself (client_credentials). */
  sub: string | null;
  scope: string;
  audience: string[];
  grantId: string | null;
  authTime?: number | null;
  acr?: string | null;
  amr?: string[] | null;
  /** RFC 9449 §6: DPoP key thumbprint the token is bound to. */
  cnfJkt?: string | null;
  /** Extra claims (e.g. RFC 8693 `act`). */
  extra?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  tokenType: 'Bearer' | 'DPoP';
  expiresIn: number;
  format: 'jwt' | 'opaque';
  alg: SigningAlg | null;
}

export interface AccessTokenPolicy {
  format: 'jwt' | 'opaque';
  alg: SigningAlg;
  ttl: number;
  resource: ResourceConfig | undefined;
}

/** The first audience's resource settings win; otherwise the server defaults (RFC 8707 §2). */
function accessTokenPolicy(ctx: Ctx, audience: readonly string[]): AccessTokenPolicy {
  const resource = ctx.tenant.resources.find((r) => r.identifier === audience[0]);
  return {
    format: resource?.accessTokenFormat ?? ctx.config.features.accessTokenFormat,
    alg: resource?.accessTokenSigningAlg ?? 'RS256',
    ttl: resource?.accessTokenTtl ?? ctx.config.lifetimes.accessToken,
    resource,
  };
}

function compact<T extends Record<string, unknown>>(obj: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined && v !== null) (out as Record<string, unknown>)[k] = v;
  return out;
}

export async function issueAccessToken(ctx: Ctx, req: AccessTokenRequest): Promise<IssuedAccessToken> {
  const clientId = req.client.clientId;
  const policy = accessTokenPolicy(ctx, req.audience);
  const now = ctx.now();
  const exp = now + policy.ttl;
  // RFC 9449 §5: a token issued on a request with a verified DPoP proof is bound to its key.
  const cnfJkt = req.cnfJkt !== undefined ? req.cnfJkt : (ctx.dpopJkt ?? null);
  const tokenType = cnfJkt ? 'DPoP' : 'Bearer';
  if (policy.format === 'jwt') {
    const payload = compact({
      iss: ctx.tenant.issuer,
      // RFC 9068 §2.2: without a resource owner, `sub` identifies the client.
      sub: req.sub ?? clientId,
      aud: req.audience.length === 1 ? req.audience[0] : req.audience,
      exp,
      iat: now,
      jti: randomUUID(),
      client_id: clientId,
      scope: req.scope || undefined,
      auth_time: req.authTime,
      acr: req.acr,
      amr: req.amr && req.amr.length > 0 ? req.amr : undefined,
      cnf: cnfJkt ? { jkt: cnfJkt } : undefined,
      gid: req.grantId,
      ...req.extra,
    });
    // FAPI 2.0 Security Profile §5.4: PS256 instead of RS256 for FAPI clients.
    const alg = policy.alg === 'RS256' && isFapi(ctx, req.client.metadata) ? 'PS256' : policy.alg;
    const token = await ctx.keys.sign(ctx.tenant.id, alg, payload, { typ: 'at+jwt' });
    return { token, tokenType, expiresIn: policy.ttl, format: 'jwt', alg };
  }
  const token = orderedSecret(PREFIX.accessToken);
  await ctx.storage.tokens.insert({
    tenantId: ctx.tenant.id,
    hash: hashSecret(token),
    kind: 'access_token',
    grantId: req.grantId,
    clientId,
    sub: req.sub,
    scope: req.scope,
    audience: req.audience,
    cnfJkt,
    parentHash: null,
    extra: compact({ auth_time: req.authTime, acr: req.acr, amr: req.amr, ...req.extra }),
    createdAt: now,
    expiresAt: exp,
    consumedAt: null,
    revokedAt: null,
  });
  return { token, tokenType, expiresIn: policy.ttl, format: 'opaque', alg: null };
}

/** What a resource server or UserInfo learns from a valid access token. */
export interface AccessTokenInfo {
  format: 'jwt' | 'opaque';
  clientId: string;
  /** The user, or null for client tokens. */
  sub: string | null;
  scope: string;
  audience: string[];
  issuedAt: number;
  expiresAt: number;
  grantId: string | null;
  cnfJkt: string | null;
  /** Every other claim (auth_time, acr, act, …). */
  claims: Record<string, unknown>;
  /** JWT `jti`, or the opaque token's hash. */
  id: string;
  /** The grant, read with the token; null for a client's own token (or a grant already purged). */
  grant: GrantRecord | null;
}

function isOpaque(token: string): boolean {
  return token.startsWith(PREFIX.accessToken);
}

async function validateOpaque(ctx: Ctx, token: string): Promise<AccessTokenInfo | undefined> {
  const row = await ctx.storage.tokens.find(ctx.tenant.id, hashSecret(token));
  const now = ctx.now();
  if (!row || row.kind !== 'access_token' || row.revokedAt !== null || row.grant?.revokedAt != null || row.expiresAt <= now) return undefined;
  return {
    format: 'opaque',
    clientId: row.clientId,
    sub: row.sub,
    scope: row.scope,
    audience: row.audience,
    issuedAt: row.createdAt,
    expiresAt: row.expiresAt,
    grantId: row.grantId,
    cnfJkt: row.cnfJkt,
    claims: row.extra,
    id: row.hash,
    grant: row.grant,
  };
}

const JWT_MEMBERS = new Set(['iss', 'sub', 'aud', 'exp', 'iat', 'nbf', 'jti', 'client_id', 'scope', 'cnf', 'gid']);

async function validateJwt(ctx: Ctx, token: string): Promise<AccessTokenInfo | undefined> {
  let payload;
  try {
    ({ payload } = await ctx.keys.verify(ctx.tenant.id, token, { typ: 'at+jwt', currentDate: new Date(ctx.now() * 1000) }));
  } catch {
    return undefined;
  }
  if (payload.iss !== ctx.tenant.issuer || typeof payload.jti !== 'string' || typeof payload.client_id !== 'string') return undefined;
  const grantId = typeof payload['gid'] === 'string' ? payload['gid'] : null;
  // RFC 7009 §2: a revoked JWT is remembered by its jti until it would have expired anyway.
  const [revoked, grant] = await Promise.all([
    ctx.storage.tokens.find(ctx.tenant.id, hashSecret(payload.jti)),
    grantId ? ctx.storage.grants.get(ctx.tenant.id, grantId) : undefined,
  ]);
  if (revoked?.revokedAt != null || grant?.revokedAt != null || (grantId && !grant)) return undefined;
  const claims: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(payload)) if (!JWT_MEMBERS.has(k)) claims[k] = v;
  const cnf = payload['cnf'] as { jkt?: unknown } | undefined;
  const clientToken = payload.sub === payload.client_id && grantId === null;
  return {
    format: 'jwt',
    clientId: payload.client_id,
    sub: clientToken ? null : (payload.sub ?? null),
    scope: typeof payload['scope'] === 'string' ? payload['scope'] : '',
    audience: Array.isArray(payload.aud) ? payload.aud : payload.aud ? [payload.aud] : [],
    issuedAt: payload.iat ?? 0,
    expiresAt: payload.exp ?? 0,
    grantId,
    cnfJkt: typeof cnf?.jkt === 'string' ? cnf.jkt : null,
    claims,
    id: payload.jti,
    grant: grant ?? null,
  };
}

/** The token's information when it is active (valid, unexpired, unrevoked, grant live); otherwise undefined. */
export function validateAccessToken(ctx: Ctx, token: string): Promise<AccessTokenInfo | undefined> {
  return isOpaque(token) ? validateOpaque(ctx, token) : validateJwt(ctx, token);
}
