/**
 * Back-channel logout tokens (OpenID Connect Back-Channel Logout 1.0 §2.4). The claims that
 * identify the logout (iss, aud, sub, sid, jti, events) are fixed when the logout happens and
 * stored in the outbox; `iat`/`exp` are set and the token signed at each delivery attempt, so a
 * receiver that was down for hours still gets a fresh, short-lived token with the same `jti`.
 */
import { randomUUID } from 'node:crypto';
import type { Ctx, Services } from '../context.ts';
import type { ClientMetadata } from '../domain/client.ts';
import type { PreparedRequest } from '../outbox/kinds.ts';
import type { OutboxDelivery } from '../storage/types.ts';
import { idTokenAlg } from '../tokens/id-token.ts';
import { subjectFor } from '../tokens/subject.ts';
import { isSigningAlg, type SigningAlg } from '../keys/types.ts';

export const BACKCHANNEL_LOGOUT_KIND = 'backchannel_logout';

/** Back-Channel Logout §2.4: the one event member, with an empty object. */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** How long a logout token is valid after it is signed (Back-Channel Logout §2.4 recommends short). */
export const LOGOUT_TOKEN_TTL = 120;

interface StoredLogoutToken {
  alg: SigningAlg;
  claims: Record<string, unknown>;
}

/** The claims of one client's logout token for session `sid` of local user `userId`. */
export function logoutTokenBody(ctx: Ctx, client: ClientMetadata, userId: string, sid: string): string {
  const claims: Record<string, unknown> = {
    iss: ctx.tenant.issuer,
    aud: client.client_id,
    // Back-Channel Logout §2.4: sub and/or sid; both are sent, sub as this client sees it.
    sub: subjectFor(ctx, client, userId),
    sid,
    jti: randomUUID(),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
    // Back-Channel Logout §2.4: a logout token never carries a nonce.
  };
  const stored: StoredLogoutToken = { alg: idTokenAlg(client), claims };
  return JSON.stringify(stored);
}

/** The outbox preparer for `backchannel_logout`: signs the stored claims as a `logout+jwt`. */
export async function prepareLogoutToken(delivery: OutboxDelivery, services: Services): Promise<PreparedRequest> {
  const stored = JSON.parse(delivery.body) as StoredLogoutToken;
  const alg = isSigningAlg(stored.alg) ? stored.alg : 'RS256';
  const now = services.now();
  const token = await services.keys.sign(delivery.tenantId, alg, { ...stored.claims, iat: now, exp: now + LOGOUT_TOKEN_TTL }, { typ: 'logout+jwt' });
  // Back-Channel Logout §2.5: POSTed as application/x-www-form-urlencoded, parameter logout_token.
  return {
    headers: { ...delivery.headers, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ logout_token: token }).toString(),
  };
}
