/**
 * OAuth 2.0 Token Exchange (RFC 8693): a client trades a subject token (and optionally an actor
 * token) for a new token aimed at another audience. Delegation records the actor in a nested
 * `act` claim (§4.1); impersonation only where the client's policy allows it. Exchanged tokens
 * keep the subject token's grant, so revoking that grant ends them too.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest, UnauthorizedClient } from '../errors/oauth-error.ts';
import type { ClientRecord } from '../storage/types.ts';
import { decideActing, type Acting } from '../token-exchange/delegation.ts';
import { checkSubjectTokenType, exchangePolicy, exchangeScope, exchangeTargets, requestedTokenType } from '../token-exchange/policy.ts';
import { validatePresentedToken, type PresentedToken, type Role } from '../token-exchange/presented-token.ts';
import { isKnownTokenType, TOKEN_TYPE, type TokenTypeUri } from '../token-exchange/token-types.ts';
import { issueAccessToken } from '../tokens/access-token.ts';
import { issueIdToken } from '../tokens/id-token.ts';
import { issueRefreshToken } from '../tokens/refresh-token.ts';
import type { Grant, GrantInput, TokenResponse } from './types.ts';

/** RFC 8693 §2.2.1: tokens that are not access tokens are returned with token_type N_A. */
const NOT_APPLICABLE = 'N_A';

function tokenType(value: string, name: string): TokenTypeUri {
  // RFC 8693 §2.2.2: a token type the server does not support is invalid_request.
  if (!isKnownTokenType(value)) throw new InvalidRequest(`${name} ${value} is not supported`);
  return value;
}

async function actorToken(ctx: Ctx, client: ClientRecord, token: string | undefined, type: string | undefined): Promise<PresentedToken | undefined> {
  // RFC 8693 §2.1: actor_token_type is required with actor_token and must be absent without it.
  if (token === undefined && type !== undefined) throw new InvalidRequest('actor_token_type without actor_token');
  if (token === undefined) return undefined;
  if (type === undefined) throw new InvalidRequest('missing required parameter actor_token_type');
  return validatePresentedToken(ctx, client, 'actor_token', token, tokenType(type, 'actor_token_type'));
}

/** RFC 9449 §6: a sender-constrained token is only usable with a proof made by its key. */
function checkPossession(ctx: Ctx, role: Role, token: PresentedToken): void {
  if (token.cnfJkt !== null && token.cnfJkt !== ctx.dpopJkt) throw new InvalidRequest(`the ${role} is DPoP-bound; send a DPoP proof made with its key`);
}

interface Issue {
  client: ClientRecord;
  subject: PresentedToken;
  acting: Acting;
  scope: string;
  audience: string[];
}

/**
 * The request's context with access token lifetimes cut to what is left of the subject token's,
 * so that no exchanged token, at any hop, outlives the token it came from.
 */
function notOutliving(ctx: Ctx, subject: PresentedToken): Ctx {
  const remaining = Math.max(1, subject.expiresAt - ctx.now());
  const { lifetimes } = ctx.config;
  if (remaining >= lifetimes.accessToken && ctx.tenant.resources.every((r) => (r.accessTokenTtl ?? lifetimes.accessToken) <= remaining)) return ctx;
  return {
    ...ctx,
    config: { ...ctx.config, lifetimes: { ...lifetimes, accessToken: Math.min(lifetimes.accessToken, remaining) } },
    tenant: { ...ctx.tenant, resources: ctx.tenant.resources.map((r) => ({ ...r, accessTokenTtl: Math.min(r.accessTokenTtl ?? lifetimes.accessToken, remaining) })) },
  };
}

async function issueExchangedAccessToken(ctx: Ctx, req: Issue): Promise<TokenResponse> {
  const { subject, acting } = req;
  const at = await issueAccessToken(notOutliving(ctx, subject), {
    client: req.client,
    sub: subject.sub,
    scope: req.scope,
    audience: req.audience,
    // Revocation follows the chain: the exchanged token lives and dies with the subject's grant.
    grantId: subject.grant?.id ?? null,
    authTime: subject.authTime,
    acr: subject.acr,
    amr: subject.amr,
    extra: acting.act ? { act: acting.act } : {},
  });
  return {
    access_token: at.token,
    // RFC 8693 §2.2.1: issued_token_type is required.
    issued_token_type: TOKEN_TYPE.accessToken,
    token_type: at.tokenType,
    expires_in: at.expiresIn,
    ...(req.scope ? { scope: req.scope } : {}),
  };
}

/**
 * A refresh token only within the client's own grant, and only without an actor chain: the
 * refresh grant re-issues the grant's tokens, which carry no `act`.
 */
async function issueExchangedRefreshToken(ctx: Ctx, req: Issue): Promise<TokenResponse> {
  const { subject, client } = req;
  if (req.acting.act) throw new InvalidRequest('a refresh token cannot carry an act claim; ask for an access token');
  const { grant } = subject;
  if (!grant || grant.clientId !== client.clientId || !subject.user) throw new InvalidRequest('a refresh token is only issued for a subject token of this client\'s own grant');
  const now = ctx.now();
  const expiresAt = Math.min(now + ctx.config.lifetimes.refreshToken, grant.expiresAt);
  const token = await issueRefreshToken(ctx, { clientId: client.clientId, sub: subject.user.id, scope: req.scope, audience: req.audience, grantId: grant.id, expiresAt });
  return { access_token: token, issued_token_type: TOKEN_TYPE.refreshToken, token_type: NOT_APPLICABLE, expires_in: expiresAt - now, ...(req.scope ? { scope: req.scope } : {}) };
}

/** An ID token for the requesting client (OIDC Core §2: its audience is the client). */
async function issueExchangedIdToken(ctx: Ctx, req: Issue): Promise<TokenResponse> {
  const { subject, client } = req;
  if (!subject.user) throw new InvalidRequest('an ID token is only issued for a subject that is a user of this server');
  const token = await issueIdToken(ctx, {
    client: client.metadata,
    sub: subject.user.id,
    authTime: subject.authTime,
    acr: subject.acr,
    amr: subject.amr,
    ...(req.acting.act ? { extra: { act: req.acting.act } } : {}),
  });
  return { access_token: token, issued_token_type: TOKEN_TYPE.idToken, token_type: NOT_APPLICABLE, expires_in: ctx.config.lifetimes.idToken };
}

async function handle({ ctx, client, params }: GrantInput): Promise<TokenResponse> {
  const policy = exchangePolicy(client);
  // RFC 6749 §5.2: a client whose policy allows neither delegation nor impersonation may not exchange at all.
  if (!policy.allowDelegation && !policy.allowImpersonation) throw new UnauthorizedClient('this client may not exchange tokens');
  // RFC 8693 §2.1: subject_token and subject_token_type are required.
  const subjectValue = params.require('subject_token');
  const subjectType = tokenType(params.require('subject_token_type'), 'subject_token_type');
  checkSubjectTokenType(policy, subjectType);
  const requested = requestedTokenType(policy, params);
  const audience = await exchangeTargets(ctx, policy, params);

  const subject = await validatePresentedToken(ctx, client, 'subject_token', subjectValue, subjectType);
  checkPossession(ctx, 'subject_token', subject);
  const actor = await actorToken(ctx, client, params.get('actor_token'), params.get('actor_token_type'));
  if (actor) checkPossession(ctx, 'actor_token', actor);
  const scope = exchangeScope(policy, client, subject, params);
  const acting = decideActing(ctx, policy, client, subject, actor);

  const req: Issue = { client, subject, acting, scope, audience };
  if (requested === TOKEN_TYPE.refreshToken) return issueExchangedRefreshToken(ctx, req);
  if (requested === TOKEN_TYPE.idToken) return issueExchangedIdToken(ctx, req);
  return issueExchangedAccessToken(ctx, req);
}

export const tokenExchangeGrant: Grant = { type: 'urn:ietf:params:oauth:grant-type:token-exchange', confidentialOnly: true, handle };
