/**
 * Who a CIBA request is for (OpenID CIBA §7.1): exactly one of `login_hint` (a username or a
 * subject), `id_token_hint` (an ID token this server issued to the client), `login_hint_token`
 * (a JWT the client signed with its registered keys, naming the user in `sub_id`, RFC 9493, or `sub`).
 */
import { errors } from 'jose';
import type { Ctx } from '../context.ts';
import { InvalidRequest } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { keySetOf, verifyWithKeySet } from '../keys/verification-keys.ts';
import { SIGNING_ALGS } from '../keys/types.ts';
import type { ClientRecord, UserRecord } from '../storage/types.ts';
import { ExpiredLoginHintToken, UnknownUserId } from './errors.ts';

const HINTS = ['login_hint', 'login_hint_token', 'id_token_hint'] as const;
/** Seconds of clock skew tolerated on a login_hint_token. */
const SKEW = 30;

async function byName(ctx: Ctx, value: string): Promise<UserRecord | undefined> {
  return (await ctx.storage.users.getByUsername(ctx.tenant.id, value)) ?? (await ctx.storage.users.get(ctx.tenant.id, value));
}

async function fromIdTokenHint(ctx: Ctx, client: ClientRecord, hint: string): Promise<UserRecord | undefined> {
  let sub: unknown;
  try {
    // An expired ID token is still a valid hint (OIDC Core §3.1.2.1); signature and issuer count.
    const { payload } = await ctx.keys.verify(ctx.tenant.id, hint, { currentDate: new Date(0) });
    const aud = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    if (payload.iss !== ctx.tenant.issuer || !aud.includes(client.clientId)) throw new Error('issued elsewhere or to another client');
    sub = payload.sub;
  } catch (err) {
    throw new InvalidRequest('id_token_hint was not issued by this server to this client', { detail: (err as Error).message });
  }
  return typeof sub === 'string' ? ctx.storage.users.get(ctx.tenant.id, sub) : undefined;
}

/** RFC 9493 subject identifiers this server can resolve: `opaque` (username or subject) and `iss_sub`. */
async function fromSubjectId(ctx: Ctx, payload: Record<string, unknown>): Promise<UserRecord | undefined> {
  const subId = payload['sub_id'];
  if (subId && typeof subId === 'object') {
    const s = subId as Record<string, unknown>;
    if (s['format'] === 'opaque' && typeof s['id'] === 'string') return byName(ctx, s['id']);
    if (s['format'] === 'iss_sub' && s['iss'] === ctx.tenant.issuer && typeof s['sub'] === 'string') return ctx.storage.users.get(ctx.tenant.id, s['sub']);
    return undefined;
  }
  return typeof payload['sub'] === 'string' ? ctx.storage.users.get(ctx.tenant.id, payload['sub']) : undefined;
}

async function fromLoginHintToken(ctx: Ctx, client: ClientRecord, token: string): Promise<UserRecord | undefined> {
  const keys = keySetOf(client.metadata);
  if (!keys) throw new InvalidRequest('login_hint_token needs the client to register jwks or jwks_uri');
  let payload: Record<string, unknown>;
  try {
    // RFC 8725 §3.1: only the asymmetric algorithms this server supports, never `none` or HMAC.
    payload = await verifyWithKeySet(token, keys, { algorithms: [...SIGNING_ALGS], currentDate: new Date(ctx.now() * 1000), clockTolerance: SKEW });
  } catch (err) {
    // CIBA §13: an expired login_hint_token has its own error code.
    if (err instanceof errors.JWTExpired) throw new ExpiredLoginHintToken('login_hint_token has expired');
    throw new InvalidRequest('login_hint_token could not be verified', { detail: (err as Error).message });
  }
  return fromSubjectId(ctx, payload);
}

/** The live user the request names; `unknown_user_id` when there is none (CIBA §13). */
export async function resolveHintedUser(ctx: Ctx, client: ClientRecord, params: Params): Promise<UserRecord> {
  const given = HINTS.filter((h) => params.has(h));
  // CIBA §7.1: exactly one hint.
  if (given.length !== 1) throw new InvalidRequest('exactly one of login_hint, login_hint_token and id_token_hint is required');
  const value = params.require(given[0] ?? 'login_hint');
  const user =
    given[0] === 'login_hint' ? await byName(ctx, value) : given[0] === 'id_token_hint' ? await fromIdTokenHint(ctx, client, value) : await fromLoginHintToken(ctx, client, value);
  // CIBA §13: unknown_user_id when the hint names nobody who can authenticate.
  if (!user || user.disabled) throw new UnknownUserId('the hint does not identify a known user');
  return user;
}
