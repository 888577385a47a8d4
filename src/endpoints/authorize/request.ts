/**
 * The validated authorization request. Validation has two stages, because errors are delivered
 * differently: until the client and redirect URI are trusted, errors are shown as a page and
 * never redirected (RFC 6749 §4.1.2.1); after that, they go back to the client.
 */
import type { Ctx } from '../../context.ts';
import { RESPONSE_TYPES, type ResponseType } from '../../domain/client.ts';
import { matchRedirectUri } from '../../domain/redirect-uri.ts';
import { InvalidRequest } from '../../errors/oauth-error.ts';
import type { Params } from '../../http/params.ts';
import type { ClientRecord } from '../../storage/types.ts';
import type { ClaimsRequest } from '../../tokens/claims.ts';

/** Plain modes, and the JARM modes (`jwt` is resolved to query.jwt or fragment.jwt at validation). */
export type ResponseMode = 'query' | 'fragment' | 'form_post' | 'query.jwt' | 'fragment.jwt' | 'form_post.jwt';

export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  responseType: ResponseType;
  responseMode: ResponseMode;
  scopes: string[];
  state?: string;
  nonce?: string;
  codeChallenge?: string;
  codeChallengeMethod?: 'S256';
  prompt: string[];
  maxAge?: number;
  loginHint?: string;
  /** `sub` of a verified `id_token_hint`. */
  hintSub?: string;
  acrValues?: string[];
  claims?: { id_token?: ClaimsRequest; userinfo?: ClaimsRequest };
  uiLocales?: string;
  resources: string[];
  /** When the request was first received (epoch seconds): `prompt=login` needs a sign-in after it. */
  requestedAt: number;
  /** RFC 9449 §10: thumbprint of the DPoP key the authorization code is bound to. */
  dpopJkt?: string;
  /** RFC 9126: sha256 of the pushed request's `request_uri`, consumed when the authorization completes. */
  parHash?: string;
}

/** Where errors go once the redirect URI is trusted. */
export interface ResponseTarget {
  redirectUri: string;
  responseMode: ResponseMode;
  state: string | undefined;
  /** The client, for JARM responses (the JWT's audience and signing algorithm). */
  clientId?: string;
  /** A pushed request behind this response: answering ends it (RFC 9126 §4). */
  parHash?: string;
}

/** The longest `state` accepted. */
const MAX_STATE_LENGTH = 4096;

export interface TrustedClient {
  client: ClientRecord;
  redirectUri: string;
}

/** The client the request's `client_id` names; `invalid_request` when it is missing or unknown. */
export async function requestedClient(ctx: Ctx, params: Params): Promise<ClientRecord> {
  const clientId = params.get('client_id');
  if (!clientId) throw new InvalidRequest('missing client_id');
  const client = await ctx.storage.clients.get(ctx.tenant.id, clientId);
  if (!client) throw new InvalidRequest('unknown client', { detail: `client_id ${clientId}` });
  return client;
}

/**
 * Stage 1: the client and its redirect URI. Every failure here is rendered as an HTML 400 page
 * (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3: never redirect to an unverified URI).
 */
export async function trustClient(ctx: Ctx, params: Params): Promise<TrustedClient> {
  return trustRedirectUri(await requestedClient(ctx, params), params);
}

/** Stage 1 for a client already read: the redirect URI the request names (or the only one registered). */
export function trustRedirectUri(client: ClientRecord, params: Params): TrustedClient {
  // RFC 6749 §4.1.2 echoes state in the redirect: one that would not fit in a Location header
  // that clients accept (16 KB in Node) is refused here, before anything is redirected.
  if ((params.get('state')?.length ?? 0) > MAX_STATE_LENGTH) throw new InvalidRequest(`state is longer than ${MAX_STATE_LENGTH} characters`);
  const registered = client.metadata.redirect_uris;
  const requested = params.get('redirect_uri');
  if (requested === undefined) {
    // OIDC Core §3.1.2.1 requires redirect_uri; RFC 6749 §3.1.2.3 allows omitting it when exactly one is registered.
    if (params.get('scope')?.split(' ').includes('openid') || registered.length !== 1 || !registered[0]) {
      throw new InvalidRequest('missing redirect_uri');
    }
    return { client, redirectUri: registered[0] };
  }
  // RFC 9700 §4.1.3: exact string matching (RFC 8252 §7.3: loopback IP redirects may use every port).
  if (!matchRedirectUri(requested, registered)) {
    throw new InvalidRequest('redirect_uri is not registered for this client', { detail: requested });
  }
  return { client, redirectUri: requested };
}

/** Normalises a response_type (its values may come in any order) to the registered spelling. */
export function normaliseResponseType(value: string): ResponseType | undefined {
  const parts = value.split(' ').filter(Boolean).sort();
  return RESPONSE_TYPES.find((rt) => rt.split(' ').sort().join(' ') === parts.join(' '));
}

/** Response types that carry tokens must not use the query (OAuth 2.0 Multiple Response Types §3). */
export function defaultResponseMode(responseType: ResponseType | undefined): ResponseMode {
  return responseType === undefined || responseType === 'code' || responseType === 'none' ? 'query' : 'fragment';
}
