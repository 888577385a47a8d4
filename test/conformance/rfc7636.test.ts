/**
 * RFC 7636 (PKCE) and the PKCE rules of RFC 9700 (OAuth 2.0 Security Best Current Practice).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, assertOAuthError, CB, pkce, postForm, requirement, startSignedIn } from './harness.ts';

describe('conformance: RFC 7636 PKCE', () => {
  let server: TestServer;
  let visitor: Visitor;
  const authorizeError = async (params: Record<string, string>): Promise<string | null> => {
    const res = await fetch(visitor.url({ client_id: 'rp', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', ...params }), { redirect: 'manual' });
    return new URL(res.headers.get('location') ?? '').searchParams.get('error');
  };

  before(async () => {
    ({ server, visitor } = await startSignedIn());
  });
  after(() => server.close());

  requirement('RFC 7636', '§4.6', 'a code_verifier that does not match the code_challenge is invalid_grant', async () => {
    const { code, verifier } = await visitor.code();
    assertOAuthError(await visitor.redeem(code, pkce().verifier), 400, 'invalid_grant');
    // The refused attempt used the code up: the right verifier cannot redeem it afterwards.
    assertOAuthError(await visitor.redeem(code, verifier), 400, 'invalid_grant');
  });

  requirement('RFC 7636', '§4.5, §4.6', 'a code issued with a code_challenge cannot be redeemed without code_verifier', async () => {
    const { code } = await visitor.code();
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB }, { authorization: 'Basic ' + Buffer.from('rp:rp-secret').toString('base64') });
    assertOAuthError(res, 400, 'invalid_grant');
  });

  requirement('RFC 9700', '§2.1.1', 'a code_verifier sent for a code issued without code_challenge is refused (PKCE downgrade)', async () => {
    const arrival = await visitor.authorize({ response_type: 'code' });
    const code = arrival.params.get('code') ?? '';
    assert.ok(code);
    assertOAuthError(await visitor.redeem(code, pkce().verifier), 400, 'invalid_grant');
  });

  requirement('RFC 7636', '§4.3, §4.4.1', 'an unsupported code_challenge_method (plain, when only S256 is offered) is invalid_request', async () => {
    assert.equal(await authorizeError({ code_challenge: pkce().verifier, code_challenge_method: 'plain' }), 'invalid_request');
    assert.equal(await authorizeError({ code_challenge: pkce().challenge, code_challenge_method: 'S512' }), 'invalid_request');
  });

  requirement('RFC 7636', '§4.2', 'a code_challenge outside the ABNF (43-128 unreserved characters) is invalid_request', async () => {
    assert.equal(await authorizeError({ code_challenge: 'short', code_challenge_method: 'S256' }), 'invalid_request');
    assert.equal(await authorizeError({ code_challenge: `${'a'.repeat(42)}!`, code_challenge_method: 'S256' }), 'invalid_request');
    assert.equal(await authorizeError({ code_challenge: 'a'.repeat(129), code_challenge_method: 'S256' }), 'invalid_request');
  });

  requirement('RFC 7636', '§4.1', 'a code_verifier outside the ABNF (43-128 unreserved characters) is refused', async () => {
    const { code } = await visitor.code();
    const res = await visitor.redeem(code, 'too-short');
    assert.equal(res.status, 400);
    assert.ok(['invalid_request', 'invalid_grant'].includes(String(res.body['error'])), res.text);
  });

  requirement('RFC 7636', '§4.3', 'code_challenge_methods_supported lists S256 and never plain', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    const methods = doc['code_challenge_methods_supported'] as string[];
    assert.ok(methods.includes('S256'));
    assert.ok(!methods.includes('plain'));
  });
});
