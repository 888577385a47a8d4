/**
 * Validation of the tokens a client presents at the token exchange (RFC 8693 §2.1): the
 * `subject_token` and the `actor_token`. Each becomes a `PresentedToken` that says whom it
 * names, who issued it, what it carried and which grant it belongs to. A token that is bad,
 * expired, revoked or of an unsupported type is `invalid_request` (RFC 8693 §2.2.2).
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { ClientRecord, GrantRecord, UserRecord } from '../storage/types.ts';
import { findActiveToken } from '../tokens/lookup.ts';
import { TOKEN_TYPE, type TokenTypeUri } from './token-types.ts';
import { unverifiedIssuer, verifyExternalJwt } from './trusted-issuers.ts';

export type Role = 'subject_token' | 'actor_token';

export interface PresentedToken {
  type: TokenTypeUri;
  /** The principal: a local user id, a client id, or an external issuer's subject. */
  sub: string;
  /** Who the principal is known to: this tenant's issuer or a trusted external issuer. */
  iss: string;
  principal: 'user' | 'client' | 'external';
  /** The local user, when the principal is one (enabled and present). */
  user: UserRecord | undefined;
  /** Space-separated scopes the token carried; undefined when it carried none. */
  scope: string | undefined;
  /** The grant the token was issued under (read with it), so exchanged tokens die with it. */
  grant: GrantRecord | null;
  /** RFC 8693 §4.1: the actor chain already recorded in the token. */
  act: Record<string, unknown> | undefined;
  /** RFC 8693 §4.4: who may act for the subject, when the token says so. */
  mayAct: unknown;
  authTime: number | null;
  acr: string | null;
  amr: string[] | null;
  /** RFC 9449 §6: the DPoP key the token is bound to, if any. */
  cnfJkt: string | null;
  /** When the token expires (epoch seconds). */
  expiresAt: number;
}

/** RFC 8693 §2.2.2: an invalid or unacceptable subject or actor token is `invalid_request`. */
const rejected = (role: Role, why: string) => new InvalidRequest(`the ${role} ${why}`);

function objectClaim(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function stringArray(value: unknown): string[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === 'string') ? value : null;
}

/** Shared claims readers for JWT payloads and stored `extra` members. */
function common(claims: Record<string, unknown>) {
  return {
    act: objectClaim(claims['act']),
    mayAct: claims['may_act'],
    authTime: typeof claims['auth_time'] === 'number' ? claims['auth_time'] : null,
    acr: typeof claims['acr'] === 'string' ? claims['acr'] : null,
    amr: stringArray(claims['amr']),
  };
}

async function localUser(ctx: Ctx, role: Role, sub: string): Promise<UserRecord> {
  const user = await ctx.storage.users.get(ctx.tenant.id, sub);
  if (!user || user.disabled) throw rejected(role, 'names no active user');
  return user;
}

/** What a token this tenant issued says, whether read from an access token or a stored refresh token. */
interface IssuedHere {
  sub: string | null;
  clientId: string;
  scope: string;
  grant: GrantRecord | null;
  cnfJkt: string | null;
  expiresAt: number;
  claims: Record<string, unknown>;
}

/** A token this tenant issued: its user's (when it names one) or else its client's. */
async function fromIssuedHere(ctx: Ctx, role: Role, type: TokenTypeUri, t: IssuedHere): Promise<PresentedToken> {
  const user = t.sub !== null ? await localUser(ctx, role, t.sub) : undefined;
  return {
    type,
    sub: t.sub ?? t.clientId,
    iss: ctx.tenant.issuer,
    principal: user ? 'user' : 'client',
    user,
    scope: t.scope,
    grant: t.grant,
    cnfJkt: t.cnfJkt,
    expiresAt: t.expiresAt,
    ...common(t.claims),
  };
}

async function accessToken(ctx: Ctx, role: Role, token: string, type: TokenTypeUri): Promise<PresentedToken> {
  const found = await findActiveToken(ctx, token);
  if (found?.kind !== 'access_token') throw rejected(role, 'is not an active access token');
  return fromIssuedHere(ctx, role, type, found.info);
}

async function refreshToken(ctx: Ctx, role: Role, token: string, client: ClientRecord): Promise<PresentedToken> {
  // A refresh token stands for a grant, not for a party that could act.
  if (role === 'actor_token') throw rejected(role, 'cannot be a refresh token');
  const found = await findActiveToken(ctx, token);
  if (found?.kind !== 'refresh_token') throw rejected(role, 'is not an active refresh token');
  const r = found.record;
  // RFC 6749 §6: a refresh token is bound to the client it was issued to.
  if (r.clientId !== client.clientId) throw rejected(role, 'was issued to another client');
  return fromIssuedHere(ctx, role, TOKEN_TYPE.refreshToken, { ...r, claims: r.extra });
}

/** An ID token this tenant issued to the requesting client (OIDC Core §2). */
async function localIdToken(ctx: Ctx, role: Role, token: string, client: ClientRecord): Promise<PresentedToken | undefined> {
  let payload;
  try {
    ({ payload } = await ctx.keys.verify(ctx.tenant.id, token, { typ: 'JWT', currentDate: new Date(ctx.now() * 1000) }));
  } catch {
    return undefined;
  }
  const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
  // OIDC Core §2: exp and iat are required; a signed UserInfo response has neither.
  if (payload.iss !== ctx.tenant.issuer || typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || typeof payload.sub !== 'string') return undefined;
  // OIDC Core §3.1.3.7: an ID token is meant for the client in its audience.
  if (!aud.includes(client.clientId)) throw rejected(role, 'is an ID token issued to another client');
  // OIDC Core §8.1: a pairwise subject cannot be traced back to the user here.
  if (client.metadata.subject_type === 'pairwise') throw rejected(role, 'carries a pairwise subject, which is not supported');
  const user = await localUser(ctx, role, payload.sub);
  return { type: TOKEN_TYPE.idToken, sub: user.id, iss: ctx.tenant.issuer, principal: 'user', user, scope: undefined, grant: null, cnfJkt: null, expiresAt: payload.exp, ...common(payload) };
}

async function externalJwt(ctx: Ctx, role: Role, token: string, type: TokenTypeUri, iss: string): Promise<PresentedToken> {
  const verified = await verifyExternalJwt(ctx, token, iss);
  if (!verified) throw rejected(role, 'is not a valid token from a trusted issuer');
  const { payload, issuer } = verified;
  const sub = payload.sub ?? '';
  const scp = stringArray(payload['scp']);
  const scope = typeof payload['scope'] === 'string' ? payload['scope'] : scp ? scp.join(' ') : undefined;
  const base = { type, scope, grant: null, cnfJkt: null, expiresAt: payload.exp ?? 0, ...common(payload) };
  if (issuer.subjects === 'local') {
    const user = await localUser(ctx, role, sub);
    return { ...base, sub: user.id, iss: ctx.tenant.issuer, principal: 'user', user };
  }
  return { ...base, sub, iss: issuer.issuer, principal: 'external', user: undefined };
}

/**
 * Validates one presented token of the given (supported) type. `client` is the authenticated
 * requesting client: refresh tokens and ID tokens must have been issued to it.
 */
export async function validatePresentedToken(ctx: Ctx, client: ClientRecord, role: Role, token: string, type: TokenTypeUri): Promise<PresentedToken> {
  switch (type) {
    case TOKEN_TYPE.accessToken:
      return accessToken(ctx, role, token, type);
    case TOKEN_TYPE.refreshToken:
      return refreshToken(ctx, role, token, client);
    case TOKEN_TYPE.idToken:
    case TOKEN_TYPE.jwt: {
      const iss = unverifiedIssuer(token);
      if (iss === undefined) throw rejected(role, 'is not a JWT');
      if (iss !== ctx.tenant.issuer) return externalJwt(ctx, role, token, type, iss);
      if (type === TOKEN_TYPE.jwt) {
        // RFC 8693 §3: `jwt` says only that it is a JWT; an access token of this tenant is one.
        const found = await findActiveToken(ctx, token);
        if (found?.kind === 'access_token') return fromIssuedHere(ctx, role, type, found.info);
      }
      const idToken = await localIdToken(ctx, role, token, client);
      if (!idToken) throw rejected(role, 'is not a valid, unexpired ID token');
      return { ...idToken, type };
    }
  }
}
