/** The authorization code grant (RFC 6749 §4.1.3, OIDC Core §3.1.3, RFC 7636 §4.5). */
import { hash } from 'node:crypto';
import { InvalidGrant, InvalidRequest } from '../errors/oauth-error.ts';
import { hashSecret } from '../security/secrets.ts';
import type { AuthorizationCodeRecord } from '../storage/types.ts';
import { issueForApprovedGrant, revokeGrant } from './issue-tokens.ts';
import type { Grant, GrantInput } from './types.ts';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

function checkPkce(code: AuthorizationCodeRecord, verifier: string | undefined): void {
  if (code.codeChallenge === null) {
    // RFC 9700 §2.1.1: a verifier without a challenge is a PKCE downgrade attempt.
    if (verifier !== undefined) throw new InvalidGrant('code_verifier sent but the authorization request had no code_challenge');
    return;
  }
  // RFC 7636 §4.5: the verifier is required when a challenge was sent.
  if (verifier === undefined) throw new InvalidGrant('missing code_verifier');
  if (!VERIFIER.test(verifier)) throw new InvalidGrant('code_verifier is malformed');
  const computed = hash('sha256', verifier, 'base64url');
  // RFC 7636 §4.6: BASE64URL(SHA256(verifier)) must equal the stored challenge.
  if (computed !== code.codeChallenge) throw new InvalidGrant('code_verifier does not match the code_challenge');
}

async function handle({ ctx, client, params }: GrantInput) {
  const code = params.require('code');
  const redirectUri = params.get('redirect_uri');
  const verifier = params.get('code_verifier');
  const result = await ctx.storage.codes.consume(ctx.tenant.id, hashSecret(code), ctx.now());
  if (result.status === 'missing') throw new InvalidGrant('the authorization code is invalid or expired');
  const record = result.record;
  if (result.status === 'reused') {
    // RFC 6749 §4.1.2 / §10.5: a code used twice revokes everything issued from it.
    await revokeGrant(ctx, record.grantId);
    throw new InvalidGrant('the authorization code was already used', { detail: `code replay for grant ${record.grantId}` });
  }
  // RFC 6749 §4.1.3: the code was issued to the authenticated client.
  if (record.clientId !== client.clientId) throw new InvalidGrant('the authorization code was issued to another client');
  // RFC 6749 §4.1.3: redirect_uri must be identical to the authorization request's.
  if (redirectUri !== undefined && redirectUri !== record.redirectUri) throw new InvalidGrant('redirect_uri does not match the authorization request');
  if (redirectUri === undefined && record.codeChallenge === null) throw new InvalidRequest('missing redirect_uri');
  checkPkce(record, verifier);
  // RFC 9449 §10: a code bound with dpop_jkt is redeemed only with a proof by that key.
  if (record.dpopJkt !== null && ctx.dpopJkt === undefined) throw new InvalidGrant('a DPoP proof is required to redeem this code');
  if (record.dpopJkt !== null && record.dpopJkt !== ctx.dpopJkt) throw new InvalidGrant('the DPoP proof key does not match dpop_jkt');

  return issueForApprovedGrant(ctx, client, record.grantId, params, { nonce: record.nonce });
}

export const authorizationCodeGrant: Grant = { type: 'authorization_code', handle };
