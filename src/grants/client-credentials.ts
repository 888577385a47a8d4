/** The client credentials grant (RFC 6749 §4.4): the client acts for itself. */
import { InvalidScope } from '../errors/oauth-error.ts';
import { issueAccessToken } from '../tokens/access-token.ts';
import { narrowResources, splitScope } from './scope.ts';
import type { Grant, GrantInput, TokenResponse } from './types.ts';

/** Scopes that only make sense with a user; never part of a client's own token. */
const USER_SCOPES = new Set(['openid', 'offline_access', 'profile', 'email', 'address', 'phone']);

async function handle({ ctx, client, params }: GrantInput): Promise<TokenResponse> {
  const registered = splitScope(client.metadata.scope).filter((s) => !USER_SCOPES.has(s));
  const requested = params.get('scope');
  let scopes = registered;
  if (requested !== undefined) {
    scopes = splitScope(requested);
    // RFC 6749 §3.3: scopes beyond the client's registration are refused.
    const refused = scopes.filter((s) => !registered.includes(s));
    if (refused.length > 0) throw new InvalidScope(`scope not allowed for this client: ${refused.join(' ')}`);
  }
  // RFC 8707 §2: every configured resource may be asked for; without one, the issuer is the audience.
  const known = ctx.tenant.resources.map((r) => r.identifier);
  const audience = params.has('resource') ? narrowResources(ctx, params, known) : [ctx.tenant.issuer];
  const scope = scopes.join(' ');
  const at = await issueAccessToken(ctx, { client, sub: null, scope, audience, grantId: null });
  // RFC 6749 §4.4.3: no refresh token.
  return { access_token: at.token, token_type: at.tokenType, expires_in: at.expiresIn, ...(scope ? { scope } : {}) };
}

export const clientCredentialsGrant: Grant = { type: 'client_credentials', confidentialOnly: true, handle };
