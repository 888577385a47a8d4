/**
 * JWT Secured Authorization Response Mode (JARM): the authorization response, or error, as a
 * JWT signed by the tenant, carrying `iss`, `aud` (the client) and `exp` beside the response
 * parameters (JARM §2.1, §2.2).
 */
import type { Ctx } from '../context.ts';
import { isFapi } from '../fapi/profile.ts';
import { isSigningAlg, type SigningAlg } from '../keys/types.ts';

/** JARM §2.1: a short lifetime; the response is used at once. */
export const JARM_LIFETIME = 300;

/** The JARM response modes and where each puts the `response` parameter (JARM §2.3). */
export const JARM_MODES = ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const;
export type JarmMode = (typeof JARM_MODES)[number];

export function isJarmMode(mode: string): mode is JarmMode {
  return (JARM_MODES as readonly string[]).includes(mode);
}

/** The client's `authorization_signed_response_alg`, else RS256 (PS256 under FAPI 2.0, §5.4). */
export async function jarmAlg(ctx: Ctx, clientId: string): Promise<SigningAlg> {
  const client = await ctx.storage.clients.get(ctx.tenant.id, clientId);
  const registered = client?.metadata.authorization_signed_response_alg;
  if (isSigningAlg(registered)) return registered;
  return isFapi(ctx, client?.metadata) ? 'PS256' : 'RS256';
}

/** Signs the response parameters (errors included) for `clientId`. */
export async function signAuthorizationResponse(ctx: Ctx, clientId: string, params: Record<string, string>): Promise<string> {
  const now = ctx.now();
  return ctx.keys.sign(ctx.tenant.id, await jarmAlg(ctx, clientId), { ...params, iss: ctx.tenant.issuer, aud: clientId, iat: now, exp: now + JARM_LIFETIME }, { typ: 'JWT' });
}
