/**
 * The resource owner password credentials grant (RFC 6749 §4.3). Off unless
 * `features.passwordGrant`; shares the login page's credential check and rate limits.
 */
import { InvalidGrant } from '../errors/oauth-error.ts';
import { timeOrderedId } from '../domain/time-ordered-id.ts';
import { checkCredentials } from '../interaction/login-route.ts';
import { loginThrottle } from '../security/login-throttle.ts';
import { issueUserTokens } from './issue-tokens.ts';
import { narrowResources, narrowScope } from './scope.ts';
import type { Grant, GrantInput } from './types.ts';

async function handle({ ctx, client, params, ip }: GrantInput) {
  const username = params.require('username');
  const password = params.require('password');
  const scope = narrowScope(params, client.metadata.scope);
  const audience = params.has('resource') ? narrowResources(ctx, params, ctx.tenant.resources.map((r) => r.identifier)) : [ctx.tenant.issuer];
  const attempt = { tenantId: ctx.tenant.id, username, ip };
  const check = await loginThrottle.guard(attempt, () => checkCredentials(ctx, username, password));
  if (check.outcome === 'throttled') throw new InvalidGrant('too many failed sign-in attempts; try again later', { headers: { 'retry-after': String(check.retryAfter) } });
  // RFC 6749 §5.2: invalid_grant, without saying whether the user or the password was wrong.
  if (check.outcome === 'wrong') throw new InvalidGrant('invalid username or password');
  const user = check.value;

  const now = ctx.now();
  const grant = {
    tenantId: ctx.tenant.id,
    id: timeOrderedId(),
    clientId: client.clientId,
    sub: user.id,
    scope,
    resources: params.has('resource') ? audience : [],
    claims: null,
    authTime: now,
    acr: null,
    amr: ['pwd'],
    sid: null,
    createdAt: now,
    expiresAt: now + ctx.config.lifetimes.refreshToken,
    revokedAt: null,
  };
  await ctx.storage.grants.insert(grant);
  return issueUserTokens(ctx, { client, grant, user, scope, audience, refresh: 'new' });
}

export const passwordGrant: Grant = { type: 'password', enabled: (ctx) => ctx.config.features.passwordGrant, handle };
