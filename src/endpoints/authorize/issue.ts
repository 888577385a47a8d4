/**
 * Issues what an approved authorization request asked for: a grant, then a code and/or tokens
 * according to the response type (OIDC Core §3.1.2.5, §3.2.2.5, §3.3.2.5).
 */
import type { Ctx } from '../../context.ts';
import { timeOrderedId } from '../../domain/time-ordered-id.ts';
import { FAPI_MAX_CODE_LIFETIME, isFapi } from '../../fapi/profile.ts';
import { hashSecret, orderedSecret, PREFIX } from '../../security/secrets.ts';
import type { ClientRecord, SessionRecord, UserRecord } from '../../storage/types.ts';
import { issueAccessToken } from '../../tokens/access-token.ts';
import { userClaims } from '../../tokens/claims.ts';
import { issueIdToken } from '../../tokens/id-token.ts';
import type { AuthorizationRequest } from './request.ts';

export async function issueAuthorizationResponse(
  ctx: Ctx,
  req: AuthorizationRequest,
  client: ClientRecord,
  session: SessionRecord,
  user: UserRecord,
): Promise<Record<string, string>> {
  const now = ctx.now();
  const parts = new Set(req.responseType.split(' '));
  const out: Record<string, string> = {};
  // The session already lists the clients it signed into: write only the first time.
  if (!session.clients.includes(client.clientId)) await ctx.storage.sessions.addClient(ctx.tenant.id, session.id, client.clientId);
  if (req.responseType === 'none') return out;

  const scope = req.scopes.join(' ');
  const acr = req.acrValues?.[0] ?? session.acr;
  const grantId = timeOrderedId();
  // Not awaited yet: the code's insert below then reaches the database in the same turn of the
  // event loop as the grant's (storage/kysely/batch.ts), not one turn later. The response waits
  // for both; a code whose grant failed to commit is never sent, and would find no grant.
  const grantStored = ctx.storage.grants.insert({
    tenantId: ctx.tenant.id,
    id: grantId,
    clientId: client.clientId,
    sub: user.id,
    scope,
    resources: req.resources,
    claims: req.claims ?? null,
    authTime: session.authTime,
    acr,
    amr: session.amr,
    sid: session.id,
    createdAt: now,
    expiresAt: now + ctx.config.lifetimes.refreshToken,
    revokedAt: null,
  });

  if (parts.has('code')) {
    const code = orderedSecret(PREFIX.code);
    const codeStored = ctx.storage.codes.insert({
      tenantId: ctx.tenant.id,
      hash: hashSecret(code),
      grantId,
      clientId: client.clientId,
      redirectUri: req.redirectUri,
      codeChallenge: req.codeChallenge ?? null,
      codeChallengeMethod: req.codeChallengeMethod ?? null,
      nonce: req.nonce ?? null,
      dpopJkt: req.dpopJkt ?? null,
      // FAPI 2.0 Security Profile §5.3.2.1: codes live at most 60 seconds under the profile.
      expiresAt: now + (isFapi(ctx, client.metadata) ? Math.min(ctx.config.lifetimes.code, FAPI_MAX_CODE_LIFETIME) : ctx.config.lifetimes.code),
      consumedAt: null,
      createdAt: now,
    });
    await Promise.all([grantStored, codeStored]);
    out['code'] = code;
  } else {
    await grantStored;
  }
  if (parts.has('token')) {
    // Implicit access tokens are never refresh-capable: no refresh token is issued here.
    const at = await issueAccessToken(ctx, {
      client,
      sub: user.id,
      scope,
      audience: req.resources.length > 0 ? req.resources : [ctx.tenant.issuer],
      grantId,
      authTime: session.authTime,
      acr,
      amr: session.amr,
    });
    Object.assign(out, { access_token: at.token, token_type: at.tokenType, expires_in: String(at.expiresIn), scope });
  }
  if (parts.has('id_token')) {
    // OIDC Core §5.4: scope claims go in the ID token only when no access token is issued.
    const scopeClaims = parts.has('token') || parts.has('code') ? [] : req.scopes;
    out['id_token'] = await issueIdToken(ctx, {
      client: client.metadata,
      sub: user.id,
      authTime: session.authTime,
      nonce: req.nonce,
      sid: session.id,
      acr,
      amr: session.amr,
      accessToken: out['access_token'],
      code: out['code'],
      claims: userClaims(user, scopeClaims, req.claims?.id_token),
    });
  }
  return out;
}
