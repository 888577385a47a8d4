/**
 * Stage 2 of authorization request validation: everything after the client and redirect URI
 * are trusted. Each failure is an OAuthError that the route redirects to the client.
 * `target` is filled in as early as possible so that errors reach the client in the right mode.
 */
import type { Ctx } from '../../context.ts';
import { isPublicClient } from '../../domain/client.ts';
import { isFapi } from '../../fapi/profile.ts';
import { JARM_MODES } from '../../jarm/sign.ts';
import {
  InvalidRequest,
  InvalidScope,
  InvalidTarget,
  RegistrationNotSupported,
  RequestNotSupported,
  RequestUriNotSupported,
  UnauthorizedClient,
  UnsupportedResponseType,
} from '../../errors/oauth-error.ts';
import type { Params } from '../../http/params.ts';
import type { ClaimsRequest } from '../../tokens/claims.ts';
import { defaultResponseMode, normaliseResponseType, type AuthorizationRequest, type ResponseMode, type ResponseTarget, type TrustedClient } from './request.ts';

const PROMPTS = new Set(['none', 'login', 'consent', 'select_account']);
const RESPONSE_MODES = new Set<string>(['query', 'fragment', 'form_post', ...JARM_MODES]);
/** RFC 7636 §4.2: S256 challenge = BASE64URL(SHA256(verifier)): 43 characters; allow the full range. */
const CHALLENGE = /^[A-Za-z0-9\-._~]{43,128}$/;

function checkResponseType(ctx: Ctx, trusted: TrustedClient, params: Params, target: ResponseTarget) {
  const raw = params.get('response_type');
  if (!raw) throw new InvalidRequest('missing response_type');
  const responseType = normaliseResponseType(raw);
  if (!responseType) throw new UnsupportedResponseType(`response_type ${raw} is not supported`);
  target.responseMode = defaultResponseMode(responseType);
  // FAPI 2.0 Security Profile §5.3.1.2: response_type code only.
  if (responseType !== 'code' && isFapi(ctx, trusted.client.metadata)) throw new UnauthorizedClient('this client may only use response_type code');
  if (!trusted.client.metadata.response_types.includes(responseType)) {
    throw new UnauthorizedClient(`the client is not allowed to use response_type ${responseType}`);
  }
  return responseType;
}

function checkResponseMode(params: Params, responseType: string, target: ResponseTarget): ResponseMode {
  const requested = params.get('response_mode');
  if (requested === undefined) return target.responseMode;
  if (!RESPONSE_MODES.has(requested)) throw new InvalidRequest(`response_mode ${requested} is not supported`);
  // JARM §2.3.4: jwt means the response type's default mode, as a JWT.
  const mode = (requested === 'jwt' ? `${target.responseMode}.jwt` : requested) as ResponseMode;
  // OAuth 2.0 Multiple Response Types §5 / JARM §2.3.1: tokens must never be put in the query.
  if ((mode === 'query' || mode === 'query.jwt') && responseType !== 'code' && responseType !== 'none') {
    throw new InvalidRequest(`response_mode ${requested} cannot carry tokens; use fragment or form_post`);
  }
  target.responseMode = mode;
  return target.responseMode;
}

function checkScopes(trusted: TrustedClient, params: Params, responseType: string): string[] {
  const raw = params.get('scope');
  // RFC 6749 §3.3: without a default scope the request fails with invalid_scope.
  if (!raw) throw new InvalidScope('missing scope');
  const requested = [...new Set(raw.split(' ').filter(Boolean))];
  const allowed = new Set(trusted.client.metadata.scope.split(' '));
  const refused = requested.filter((s) => !allowed.has(s));
  if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  // OIDC Core §3.1.2.1: id_token responses are OpenID Connect requests.
  if (responseType.includes('id_token') && !requested.includes('openid')) throw new InvalidScope('response_type id_token requires the openid scope');
  // OIDC Core §11: offline_access is only meaningful when a code (and so a refresh token) is issued.
  return responseType.includes('code') ? requested : requested.filter((s) => s !== 'offline_access');
}

function checkPkce(ctx: Ctx, trusted: TrustedClient, params: Params, responseType: string) {
  const challenge = params.get('code_challenge');
  const method = params.get('code_challenge_method');
  const meta = trusted.client.metadata;
  if (challenge === undefined) {
    if (method !== undefined) throw new InvalidRequest('code_challenge_method without code_challenge');
    const required = isPublicClient(meta) || ctx.config.features.pkce === 'required' || meta.require_pkce === true || isFapi(ctx, meta);
    // RFC 9700 §2.1.1 / RFC 7636 §4.4.1: PKCE is required for public clients (and by policy).
    if (required && responseType.includes('code')) throw new InvalidRequest('code_challenge is required (PKCE, S256)');
    return {};
  }
  // RFC 7636 §4.3: the default method is plain, which Portcullis does not accept (RFC 9700 §2.1.1).
  if (method !== 'S256') throw new InvalidRequest('code_challenge_method must be S256');
  if (!CHALLENGE.test(challenge)) throw new InvalidRequest('code_challenge is malformed');
  return { codeChallenge: challenge, codeChallengeMethod: 'S256' as const };
}

function checkPrompt(params: Params): string[] {
  const prompt = [...new Set((params.get('prompt') ?? '').split(' ').filter(Boolean))];
  const unknown = prompt.filter((p) => !PROMPTS.has(p));
  if (unknown.length > 0) throw new InvalidRequest(`unsupported prompt value ${unknown.join(' ')}`);
  // OIDC Core §3.1.2.1: none must not be combined with any other value.
  if (prompt.includes('none') && prompt.length > 1) throw new InvalidRequest('prompt=none cannot be combined with other values');
  return prompt;
}

function checkMaxAge(trusted: TrustedClient, params: Params): number | undefined {
  const raw = params.get('max_age');
  if (raw === undefined) return trusted.client.metadata.default_max_age;
  if (!/^\d{1,10}$/.test(raw)) throw new InvalidRequest('max_age must be a non-negative integer');
  return Number(raw);
}

function checkClaims(params: Params): AuthorizationRequest['claims'] {
  const raw = params.get('claims');
  if (raw === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new InvalidRequest('claims is not valid JSON');
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InvalidRequest('claims must be a JSON object');
  const out: { id_token?: ClaimsRequest; userinfo?: ClaimsRequest } = {};
  for (const key of ['id_token', 'userinfo'] as const) {
    const part = (parsed as Record<string, unknown>)[key];
    if (part === undefined) continue;
    if (!part || typeof part !== 'object' || Array.isArray(part)) throw new InvalidRequest(`claims.${key} must be an object`);
    out[key] = part as ClaimsRequest;
  }
  return out;
}

/** RFC 9449 §10: dpop_jkt is a base64url SHA-256 JWK thumbprint (43 characters). */
function checkDpopJkt(params: Params): string | undefined {
  const jkt = params.get('dpop_jkt');
  if (jkt !== undefined && !/^[A-Za-z0-9_-]{43}$/.test(jkt)) throw new InvalidRequest('dpop_jkt must be a base64url SHA-256 JWK thumbprint');
  return jkt;
}

async function checkIdTokenHint(ctx: Ctx, params: Params): Promise<string | undefined> {
  const hint = params.get('id_token_hint');
  if (hint === undefined) return undefined;
  try {
    // OIDC Core §3.1.2.1: an expired hint is still a valid hint, so only the signature and issuer count.
    const { payload } = await ctx.keys.verify(ctx.tenant.id, hint, { currentDate: new Date(0) });
    if (payload.iss !== ctx.tenant.issuer || typeof payload.sub !== 'string') throw new Error('foreign issuer');
    return payload.sub;
  } catch (err) {
    throw new InvalidRequest('id_token_hint was not issued by this server', { detail: (err as Error).message });
  }
}

function checkResources(ctx: Ctx, params: Params): string[] {
  const resources = params.all('resource');
  for (const resource of resources) {
    let url: URL;
    try {
      url = new URL(resource);
    } catch {
      throw new InvalidTarget(`resource ${resource} is not an absolute URI`);
    }
    // RFC 8707 §2: absolute URI without a fragment, and one this server knows.
    if (url.hash) throw new InvalidTarget('resource must not contain a fragment');
    if (!ctx.tenant.resources.some((r) => r.identifier === resource)) throw new InvalidTarget(`unknown resource ${resource}`);
  }
  return [...new Set(resources)];
}

export async function validateAuthorizationRequest(ctx: Ctx, trusted: TrustedClient, params: Params, target: ResponseTarget): Promise<AuthorizationRequest> {
  params.assertNoRepeats();
  const responseType = checkResponseType(ctx, trusted, params, target);
  const responseMode = checkResponseMode(params, responseType, target);
  // RFC 9101 §6.3: request and request_uri were resolved before validation (resolve.ts); a request
  // object that carries them again is not followed.
  if (params.has('request')) throw new RequestNotSupported('a request object must not contain request');
  if (params.has('request_uri')) throw new RequestUriNotSupported('a request object must not contain request_uri');
  if (params.has('registration')) throw new RegistrationNotSupported('the registration parameter is not supported');
  const scopes = checkScopes(trusted, params, responseType);
  const nonce = params.get('nonce');
  // OIDC Core §3.2.2.1 / §3.3.2.11: nonce is required whenever the ID token comes from this endpoint.
  if (responseType.includes('id_token') && !nonce) throw new InvalidRequest('nonce is required when an ID token is returned from the authorization endpoint');
  const req: AuthorizationRequest = {
    clientId: trusted.client.clientId,
    redirectUri: trusted.redirectUri,
    responseType,
    responseMode,
    scopes,
    prompt: checkPrompt(params),
    resources: checkResources(ctx, params),
    requestedAt: ctx.now(),
    ...checkPkce(ctx, trusted, params, responseType),
  };
  const optional = {
    state: target.state,
    nonce,
    maxAge: checkMaxAge(trusted, params),
    loginHint: params.get('login_hint'),
    hintSub: await checkIdTokenHint(ctx, params),
    acrValues: params.get('acr_values')?.split(' ').filter(Boolean),
    claims: checkClaims(params),
    uiLocales: params.get('ui_locales'),
    dpopJkt: checkDpopJkt(params),
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) Object.assign(req, { [key]: value });
  return req;
}
