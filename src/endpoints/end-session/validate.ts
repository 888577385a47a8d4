/**
 * Validation of an RP-Initiated Logout request (OpenID Connect RP-Initiated Logout 1.0 §2, §3).
 * Anything wrong is invalid_request on an HTML page (§4: no redirection to the RP on errors);
 * a redirect URI is kept only when it is registered for the identified client.
 */
import { decodeJwt } from 'jose';
import type { Ctx } from '../../context.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import type { Params } from '../../http/params.ts';
import type { ClientRecord } from '../../storage/types.ts';

export interface IdTokenHint {
  /** The client the ID token was issued to (`aud`, or `azp` with several audiences). */
  clientId: string;
  sub: string | undefined;
  sid: string | undefined;
}

export interface EndSessionRequest {
  hint: IdTokenHint | undefined;
  /** The identified client (from client_id or the hint). */
  client: ClientRecord | undefined;
  /** Registered for `client`, compared exactly; undefined when none was given. */
  postLogoutRedirectUri: string | undefined;
  state: string | undefined;
  uiLocales: string | undefined;
  logoutHint: string | undefined;
  /** The raw parameters, to carry through the confirmation form. */
  carry: Record<string, string>;
}

const CARRIED = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales', 'logout_hint'] as const;

/**
 * RP-Initiated Logout §2: the hint must be an ID token this OP issued; an expired one is still
 * a good hint, so `exp` is checked against the token's own `iat`. Only this tenant's published
 * keys and its signing algorithms are accepted (so `alg: none` or a foreign key fail).
 */
async function verifyHint(ctx: Ctx, token: string): Promise<IdTokenHint> {
  let iat: number | undefined;
  try {
    const claims = decodeJwt(token);
    iat = typeof claims.iat === 'number' ? claims.iat : undefined;
  } catch {
    throw new InvalidRequest('id_token_hint is not a valid ID token', { detail: 'undecodable id_token_hint' });
  }
  let payload;
  try {
    ({ payload } = await ctx.keys.verify(ctx.tenant.id, token, iat !== undefined ? { currentDate: new Date(iat * 1000) } : {}));
  } catch (err) {
    throw new InvalidRequest('id_token_hint is not a valid ID token issued by this server', { detail: `id_token_hint: ${(err as Error).message}` });
  }
  if (payload.iss !== ctx.tenant.issuer) throw new InvalidRequest('id_token_hint was issued by another issuer');
  const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud !== undefined ? [payload.aud] : [];
  const azp = typeof payload['azp'] === 'string' ? payload['azp'] : undefined;
  const clientId = aud.length === 1 ? aud[0] : azp;
  if (!clientId) throw new InvalidRequest('id_token_hint names no client');
  return { clientId, sub: payload.sub, sid: typeof payload['sid'] === 'string' ? payload['sid'] : undefined };
}

export async function validateEndSession(ctx: Ctx, params: Params): Promise<EndSessionRequest> {
  // RFC 6749 §3.1 (applied to every OIDC endpoint): no repeated parameters.
  const carry: Record<string, string> = {};
  for (const name of CARRIED) {
    const value = params.get(name);
    if (value !== undefined) carry[name] = value;
  }
  const hintToken = carry['id_token_hint'];
  const hint = hintToken !== undefined ? await verifyHint(ctx, hintToken) : undefined;
  const clientIdParam = carry['client_id'];
  // RP-Initiated Logout §2: with both, client_id must be the client the ID token was issued to.
  if (hint && clientIdParam !== undefined && hint.clientId !== clientIdParam) {
    throw new InvalidRequest('client_id does not match the client of id_token_hint');
  }
  const clientId = clientIdParam ?? hint?.clientId;
  const client = clientId !== undefined ? await ctx.storage.clients.get(ctx.tenant.id, clientId) : undefined;
  if (clientId !== undefined && !client) throw new InvalidRequest('unknown client');

  const uri = carry['post_logout_redirect_uri'];
  if (uri !== undefined) {
    // RP-Initiated Logout §3: the URI must be registered for the client; without a client to
    // check it against, it cannot be trusted.
    if (!client) throw new InvalidRequest('post_logout_redirect_uri needs id_token_hint or client_id');
    // RP-Initiated Logout §3: exact match with a registered post_logout_redirect_uri.
    if (!(client.metadata.post_logout_redirect_uris ?? []).includes(uri)) {
      throw new InvalidRequest('post_logout_redirect_uri is not registered for this client');
    }
  }
  return {
    hint,
    client,
    postLogoutRedirectUri: uri,
    state: carry['state'],
    uiLocales: carry['ui_locales'],
    logoutHint: carry['logout_hint'],
    carry,
  };
}
