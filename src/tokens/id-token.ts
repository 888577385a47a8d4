/** ID tokens (OIDC Core §2, §3.1.3.6, §3.3.2.11). */
import type { Ctx } from '../context.ts';
import { isFapi } from '../fapi/profile.ts';
import type { ClientMetadata } from '../domain/client.ts';
import { isSigningAlg, type SigningAlg } from '../keys/types.ts';
import { halfHash } from './hashes.ts';
import { subjectFor } from './subject.ts';

export interface IdTokenRequest {
  client: ClientMetadata;
  /** The user's local id; the token carries the subject this client sees (pairwise or public). */
  sub: string;
  authTime: number | null;
  nonce?: string | null | undefined;
  sid?: string | null | undefined;
  acr?: string | null | undefined;
  amr?: string[] | null | undefined;
  /** Issued alongside: adds at_hash. */
  accessToken?: string | undefined;
  /** Issued alongside (hybrid flow): adds c_hash. */
  code?: string | undefined;
  /** User claims to embed (scope claims when no access token is issued, or `claims` requests). */
  claims?: Record<string, unknown>;
  /** Extra claims (e.g. CIBA `urn:openid:params:jwt:claim:auth_req_id`). */
  extra?: Record<string, unknown>;
}

export function idTokenAlg(client: ClientMetadata): SigningAlg {
  const alg = client.id_token_signed_response_alg;
  return isSigningAlg(alg) ? alg : 'RS256';
}

export async function issueIdToken(ctx: Ctx, req: IdTokenRequest): Promise<string> {
  // FAPI 2.0 Security Profile §5.4: PS256 rather than RS256 when the client named no algorithm.
  const alg = req.client.id_token_signed_response_alg === undefined && isFapi(ctx, req.client) ? 'PS256' : idTokenAlg(req.client);
  const now = ctx.now();
  const payload: Record<string, unknown> = {
    ...req.claims,
    iss: ctx.tenant.issuer,
    sub: subjectFor(ctx, req.client, req.sub),
    aud: req.client.client_id,
    exp: now + ctx.config.lifetimes.idToken,
    iat: now,
  };
  if (req.authTime !== null) payload['auth_time'] = req.authTime;
  if (req.nonce) payload['nonce'] = req.nonce;
  if (req.sid) payload['sid'] = req.sid;
  if (req.acr) payload['acr'] = req.acr;
  if (req.amr && req.amr.length > 0) payload['amr'] = req.amr;
  if (req.accessToken) payload['at_hash'] = halfHash(alg, req.accessToken);
  if (req.code) payload['c_hash'] = halfHash(alg, req.code);
  Object.assign(payload, req.extra);
  return ctx.keys.sign(ctx.tenant.id, alg, payload, { typ: 'JWT' });
}
