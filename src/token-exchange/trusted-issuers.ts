/**
 * JWTs from external issuers the tenant trusts (config `trustedIssuers`), verified with the
 * issuer's published keys. Only issuers named in the config are ever contacted: the `iss` of an
 * unverified token selects one of them, never a URL of its own.
 */
import { decodeJwt, type JWTPayload } from 'jose';
import type { TrustedIssuerConfig } from '../config/schema.ts';
import type { Ctx } from '../context.ts';
import { keySetOf, verifyWithKeySet } from '../keys/verification-keys.ts';

/** The trusted issuers of the request's tenant. */
export function trustedIssuers(ctx: Ctx): TrustedIssuerConfig[] {
  if (!ctx.tenant.basePath) return ctx.config.trustedIssuers;
  return ctx.config.tenants.find((t) => t.slug === ctx.tenant.slug)?.trustedIssuers ?? [];
}

/** The unverified `iss` of a compact JWT, or undefined when it is not one. */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const iss = decodeJwt(token).iss;
    return typeof iss === 'string' ? iss : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The verified claims of a JWT whose unverified `iss` is `iss`, or undefined when that issuer
 * is not trusted, the signature or algorithm is wrong, the token is expired or not yet valid,
 * it lacks `sub` or `exp`, or its audience is not this server.
 */
export async function verifyExternalJwt(ctx: Ctx, token: string, iss: string): Promise<{ payload: JWTPayload; issuer: TrustedIssuerConfig } | undefined> {
  const issuer = trustedIssuers(ctx).find((t) => t.issuer === iss);
  const keys = issuer ? keySetOf(issuer) : undefined;
  if (!issuer || !keys) return undefined;
  // RFC 7523 §3 (applied to exchanged JWTs): the audience identifies this authorization server.
  const audience = issuer.audiences ?? [ctx.tenant.issuer, `${ctx.tenant.issuer}/token`];
  try {
    const payload = await verifyWithKeySet(token, keys, {
      issuer: issuer.issuer,
      audience,
      algorithms: issuer.algorithms,
      currentDate: new Date(ctx.now() * 1000),
      requiredClaims: ['sub', 'exp'],
    });
    return { payload, issuer };
  } catch (err) {
    ctx.log.debug({ issuer: issuer.issuer, reason: (err as { code?: string }).code ?? 'error' }, 'external token rejected');
    return undefined;
  }
}
