/**
 * Token introspection (RFC 7662), with the JWT response of RFC 9701. Anything that is not an
 * active token — unknown, expired, revoked, malformed, or another client's refresh token — is
 * exactly `{"active":false}` (RFC 7662 §2.2).
 */
import type { Ctx } from '../../context.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { isSigningAlg } from '../../keys/types.ts';
import { findActiveToken, type FoundToken } from '../../tokens/lookup.ts';

export type Introspection = { active: false } | ({ active: true } & Record<string, unknown>);

function describe(ctx: Ctx, found: FoundToken): Introspection {
  if (found.kind === 'refresh_token') {
    const r = found.record;
    return {
      active: true,
      token_type: 'refresh_token',
      client_id: r.clientId,
      scope: r.scope,
      ...(r.sub ? { sub: r.sub } : {}),
      ...(r.audience.length ? { aud: r.audience } : {}),
      iss: ctx.tenant.issuer,
      iat: r.createdAt,
      exp: r.expiresAt,
    };
  }
  const t = found.info;
  const { act, auth_time, acr, amr } = t.claims;
  return {
    active: true,
    // RFC 7662 §2.2: token_type as in RFC 6749 §7.1.
    token_type: t.cnfJkt ? 'DPoP' : 'Bearer',
    client_id: t.clientId,
    scope: t.scope,
    sub: t.sub ?? t.clientId,
    aud: t.audience.length === 1 ? t.audience[0] : t.audience,
    iss: ctx.tenant.issuer,
    iat: t.issuedAt,
    exp: t.expiresAt,
    ...(t.format === 'jwt' ? { jti: t.id } : {}),
    ...(auth_time !== undefined ? { auth_time } : {}),
    ...(acr !== undefined ? { acr } : {}),
    ...(amr !== undefined ? { amr } : {}),
    ...(act !== undefined ? { act } : {}),
    ...(t.cnfJkt ? { cnf: { jkt: t.cnfJkt } } : {}),
  };
}

/**
 * Any authenticated client of the tenant may introspect access tokens (resource servers check
 * tokens issued to other clients); refresh tokens are only ever shown to the client holding them.
 */
export async function handleIntrospect(ctx: Ctx, token: string, caller: ClientRecord | undefined): Promise<Introspection> {
  const found = await findActiveToken(ctx, token);
  if (!found) return { active: false };
  if (found.kind === 'refresh_token' && found.record.clientId !== caller?.clientId) return { active: false };
  return describe(ctx, found);
}

/** RFC 9701 §5: the response as a signed JWT for the calling client. */
export function signIntrospection(ctx: Ctx, result: Introspection, caller: ClientRecord | undefined): Promise<string> {
  const registered = caller?.metadata.introspection_signed_response_alg;
  const alg = isSigningAlg(registered) ? registered : 'RS256';
  return ctx.keys.sign(
    ctx.tenant.id,
    alg,
    { iss: ctx.tenant.issuer, ...(caller ? { aud: caller.clientId } : {}), iat: ctx.now(), token_introspection: result },
    { typ: 'token-introspection+jwt' },
  );
}
