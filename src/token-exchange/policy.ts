/**
 * A client's token exchange policy (client metadata `token_exchange`, README "Token exchange"),
 * with its defaults, and the checks that apply it: targets, subject token types, scopes and
 * requested token types.
 */
import type { Ctx } from '../context.ts';
import { InvalidRequest, InvalidScope, InvalidTarget } from '../errors/oauth-error.ts';
import type { Params } from '../http/params.ts';
import { splitScope } from '../grants/scope.ts';
import type { ClientRecord } from '../storage/types.ts';
import type { PresentedToken } from './presented-token.ts';
import { normalizeTokenType, TOKEN_TYPE } from './token-types.ts';

export interface ExchangePolicy {
  /** Audiences and resources the client may ask for; undefined = the tenant's resources, issuer and clients. */
  allowedAudiences: readonly string[] | undefined;
  /** Subject token types it may present (full URNs); undefined = every supported type. */
  allowedSubjectTokenTypes: readonly string[] | undefined;
  allowDelegation: boolean;
  allowImpersonation: boolean;
  maxChainDepth: number;
  narrowScopesOnly: boolean;
  /** Token types besides access tokens it may ask for (full URNs). */
  allowedRequestedTokenTypes: readonly string[];
}

/** How many `act` levels an issued token may carry when the policy does not say. */
export const DEFAULT_MAX_CHAIN_DEPTH = 3;

/**
 * The client's policy with defaults. A dynamically registered client cannot set its own policy,
 * so without one granted by the operator it may not exchange at all.
 */
export function exchangePolicy(client: ClientRecord): ExchangePolicy {
  const p = client.metadata.token_exchange ?? {};
  const granted = client.metadata.token_exchange !== undefined || client.source !== 'registration';
  return {
    allowedAudiences: p.allowed_audiences,
    allowedSubjectTokenTypes: p.allowed_subject_token_types?.map(normalizeTokenType),
    allowDelegation: granted && (p.allow_delegation ?? true),
    allowImpersonation: p.allow_impersonation ?? false,
    maxChainDepth: p.max_chain_depth ?? DEFAULT_MAX_CHAIN_DEPTH,
    narrowScopesOnly: p.narrow_scopes_only ?? true,
    allowedRequestedTokenTypes: (p.allowed_requested_token_types ?? []).map(normalizeTokenType),
  };
}

/** RFC 8693 §2.2.2: a subject token type the policy does not accept is `invalid_request`. */
export function checkSubjectTokenType(policy: ExchangePolicy, type: string): void {
  if (policy.allowedSubjectTokenTypes && !policy.allowedSubjectTokenTypes.includes(type)) {
    throw new InvalidRequest(`subject_token_type ${type} is not accepted for this client`);
  }
}

/** RFC 8693 §2.1: access tokens unless the client asks otherwise and its policy allows it. */
export function requestedTokenType(policy: ExchangePolicy, params: Params): string {
  const requested = params.get('requested_token_type');
  if (requested === undefined || requested === TOKEN_TYPE.accessToken) return TOKEN_TYPE.accessToken;
  if (requested !== TOKEN_TYPE.refreshToken && requested !== TOKEN_TYPE.idToken) throw new InvalidRequest(`requested_token_type ${requested} is not supported`);
  if (!policy.allowedRequestedTokenTypes.includes(requested)) throw new InvalidRequest(`requested_token_type ${requested} is not allowed for this client`);
  return requested;
}

/** A bound on the lookups one request can cause. */
const MAX_TARGETS = 20;

/** Without `allowed_audiences`: the tenant's resources, its issuer, and its clients (by client_id). */
async function targetAllowed(ctx: Ctx, policy: ExchangePolicy, target: string): Promise<boolean> {
  if (policy.allowedAudiences) return policy.allowedAudiences.includes(target);
  if (target === ctx.tenant.issuer || ctx.tenant.resources.some((r) => r.identifier === target)) return true;
  return (await ctx.storage.clients.get(ctx.tenant.id, target)) !== undefined;
}

/**
 * The audience of the issued token: every `resource` (RFC 8707 §2, absolute URIs) and
 * `audience` (RFC 8693 §2.1, logical names) parameter; without any, this tenant's issuer.
 * RFC 8693 §2.2.2: a target the client may not exchange for is `invalid_target`.
 */
export async function exchangeTargets(ctx: Ctx, policy: ExchangePolicy, params: Params): Promise<string[]> {
  const resources = params.all('resource');
  for (const resource of resources) {
    // RFC 8707 §2: an absolute URI without a fragment.
    if (!URL.canParse(resource) || resource.includes('#')) throw new InvalidTarget(`resource is not an absolute URI: ${resource}`);
  }
  const requested = [...new Set([...resources, ...params.all('audience')])];
  if (requested.length > MAX_TARGETS) throw new InvalidRequest(`at most ${MAX_TARGETS} audience and resource values`);
  const targets = requested.length > 0 ? requested : [ctx.tenant.issuer];
  const refused: string[] = [];
  for (const target of targets) if (!(await targetAllowed(ctx, policy, target))) refused.push(target);
  // RFC 8693 §2.2.2: invalid_target when the client may not exchange for this audience or resource.
  if (refused.length > 0) throw new InvalidTarget(`this client may not exchange tokens for ${refused.join(' ')}`);
  return targets;
}

/**
 * The scope of the issued token. The ceiling is the subject token's scope (the requesting
 * client's registered scope when the token carried none); with `narrow_scopes_only: false` the
 * client's registered scope is added to it. Omitted means the subject token's scope.
 */
export function exchangeScope(policy: ExchangePolicy, client: ClientRecord, subject: PresentedToken, params: Params): string {
  const registered = splitScope(client.metadata.scope);
  const carried = subject.scope === undefined ? registered : splitScope(subject.scope);
  const ceiling = new Set(policy.narrowScopesOnly ? carried : [...carried, ...registered]);
  const requested = params.get('scope');
  if (requested === undefined) return subject.scope ?? '';
  const asked = splitScope(requested);
  const beyond = asked.filter((s) => !ceiling.has(s));
  // RFC 8693 §2.2.2 / RFC 6749 §5.2: a scope beyond what the subject token allows is invalid_scope.
  if (beyond.length > 0) throw new InvalidScope(`scope exceeds the subject token: ${beyond.join(' ')}`);
  return asked.join(' ');
}
