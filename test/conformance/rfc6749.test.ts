/**
 * RFC 6749 (OAuth 2.0) and RFC 9207 (authorization response iss): the authorization and token
 * endpoints' normative requirements, one test each.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, API, assertOAuthError, basic, CB, postForm, requirement, RP, startSignedIn } from './harness.ts';

describe('conformance: RFC 6749 OAuth 2.0', () => {
  let server: TestServer;
  let visitor: Visitor;
  const token = (form: Record<string, string | string[]>, headers: Record<string, string> = {}) => postForm(`${server.url}/token`, form, headers);
  const raw = (params: Record<string, string>) => fetch(`${server.url}/authorize?${new URLSearchParams(params)}`, { redirect: 'manual' });

  before(async () => {
    ({ server, visitor } = await startSignedIn());
  });
  after(() => server.close());

  requirement('RFC 6749', '§3.1', 'authorization request parameters must not be repeated', async () => {
    const res = await fetch(`${visitor.url({ client_id: 'rp', redirect_uri: CB, response_type: 'code', state: 's' })}&scope=openid&scope=profile`, { redirect: 'manual' });
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  requirement('RFC 6749', '§3.1.2.4, §4.1.2.1', 'an unregistered redirect_uri is never redirected to', async () => {
    for (const redirect of ['http://127.0.0.1:5999/evil', `${CB}/extra`, `${CB}?x=1`, 'http://127.0.0.1:5999/CB']) {
      const res = await raw({ client_id: 'rp', redirect_uri: redirect, response_type: 'code', scope: 'openid', state: 's' });
      assert.equal(res.status, 400, redirect);
      assert.equal(res.headers.get('location'), null);
    }
  });

  requirement('RFC 6749', '§4.1.2.1', 'an unknown client_id is never redirected to', async () => {
    const res = await raw({ client_id: 'nobody', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  requirement('RFC 6749', '§4.1.2.1', 'a missing response_type is invalid_request, redirected with state', async () => {
    const location = new URL((await raw({ client_id: 'rp', redirect_uri: CB, scope: 'openid', state: 'keep-me' })).headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_request');
    assert.equal(location.searchParams.get('state'), 'keep-me');
  });

  requirement('RFC 6749', '§4.1.2.1', 'an unknown response_type is unsupported_response_type', async () => {
    const location = new URL((await raw({ client_id: 'rp', redirect_uri: CB, response_type: 'magic', scope: 'openid', state: 's' })).headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'unsupported_response_type');
  });

  requirement('RFC 6749', '§4.1.2.1', 'a scope the client may not have is invalid_scope', async () => {
    const location = new URL((await raw({ client_id: 'rp', redirect_uri: CB, response_type: 'code', scope: 'openid admin:everything', state: 's' })).headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_scope');
  });

  requirement('RFC 6749', '§4.1.2', 'state is returned exactly as sent', async () => {
    const state = 'a b/c?d=e&f+g~%';
    const { arrival } = await visitor.code({ state });
    assert.equal(arrival.params.get('state'), state);
  });

  requirement('RFC 9207', '§2', 'every authorization response, success or error, carries iss', async () => {
    const { arrival } = await visitor.code();
    assert.equal(arrival.params.get('iss'), server.url);
    const error = new URL((await raw({ client_id: 'rp', redirect_uri: CB, response_type: 'magic', state: 's' })).headers.get('location') ?? '');
    assert.equal(error.searchParams.get('iss'), server.url);
  });

  requirement('RFC 6749', '§4.1.2', 'an authorization code is single-use; reuse fails and revokes what it issued', async () => {
    const { code, verifier } = await visitor.code();
    const first = await visitor.redeem(code, verifier);
    assert.equal(first.status, 200);
    assertOAuthError(await visitor.redeem(code, verifier), 400, 'invalid_grant');
    const info = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${String(first.body['access_token'])}` } });
    assert.equal(info.status, 401, 'tokens issued from a replayed code are revoked (SHOULD)');
  });

  requirement('RFC 6749', '§4.1.2', 'an authorization code expires (maximum lifetime of 10 minutes)', async () => {
    const { code, verifier } = await visitor.code();
    server.clock.advance(601);
    try {
      assertOAuthError(await visitor.redeem(code, verifier), 400, 'invalid_grant');
    } finally {
      server.clock.advance(-601);
    }
  });

  requirement('RFC 6749', '§4.1.3', 'redirect_uri at the token endpoint must be identical to the authorization request\'s', async () => {
    const { code, verifier } = await visitor.code();
    assertOAuthError(await visitor.redeem(code, verifier, { redirect_uri: `${CB}/other` }), 400, 'invalid_grant');
  });

  // Portcullis follows OAuth 2.1 §4.1.3 here: a code bound to a PKCE challenge may be redeemed
  // without redirect_uri. Codes without PKCE keep RFC 6749's rule.
  requirement('RFC 6749', '§4.1.3', 'redirect_uri is required at the token endpoint when the authorization request carried one (code without PKCE)', async () => {
    const arrival = await visitor.authorize({ response_type: 'code' });
    const code = arrival.params.get('code') ?? '';
    assert.ok(code);
    const res = await token({ grant_type: 'authorization_code', code }, { authorization: RP });
    assertOAuthError(res, 400, 'invalid_request');
  });

  requirement('RFC 6749', '§4.1.3', 'a code issued to one client cannot be redeemed by another', async () => {
    const { code, verifier } = await visitor.code();
    assertOAuthError(await visitor.redeem(code, verifier, {}, basic('rp2', 'rp2-secret')), 400, 'invalid_grant');
  });

  requirement('RFC 6749', '§5.1', 'a token response is JSON with access_token, token_type, expires_in and Cache-Control: no-store, Pragma: no-cache', async () => {
    const { code, verifier } = await visitor.code();
    const res = await visitor.redeem(code, verifier);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    assert.ok(typeof res.body['access_token'] === 'string');
    assert.equal(String(res.body['token_type']).toLowerCase(), 'bearer');
    assert.ok(typeof res.body['expires_in'] === 'number' && res.body['expires_in'] > 0);
  });

  requirement('RFC 6749', '§5.2', 'an unknown grant_type is unsupported_grant_type', async () => {
    assertOAuthError(await token({ grant_type: 'urn:example:magic' }, { authorization: RP }), 400, 'unsupported_grant_type');
  });

  requirement('RFC 6749', '§5.2', 'a missing grant_type is invalid_request', async () => {
    assertOAuthError(await token({}, { authorization: RP }), 400, 'invalid_request');
  });

  requirement('RFC 6749', '§5.2', 'a missing code is invalid_request', async () => {
    assertOAuthError(await token({ grant_type: 'authorization_code', redirect_uri: CB }, { authorization: RP }), 400, 'invalid_request');
  });

  requirement('RFC 6749', '§3.2, §5.2', 'repeated token request parameters are invalid_request', async () => {
    assertOAuthError(await token({ grant_type: ['client_credentials', 'client_credentials'] }, { authorization: basic('svc', 'svc-secret') }), 400, 'invalid_request');
  });

  requirement('RFC 6749', '§5.2', 'failed client authentication with Basic is 401 invalid_client with WWW-Authenticate', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { authorization: basic('svc', 'wrong') });
    assertOAuthError(res, 401, 'invalid_client');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic /i);
  });

  requirement('RFC 6749', '§5.2', 'an unknown client is invalid_client', async () => {
    assertOAuthError(await token({ grant_type: 'client_credentials', client_id: 'ghost', client_secret: 'x' }), 401, 'invalid_client');
  });

  requirement('RFC 6749', '§5.2', 'a grant type the client is not registered for is unauthorized_client', async () => {
    assertOAuthError(await token({ grant_type: 'client_credentials' }, { authorization: RP }), 400, 'unauthorized_client');
  });

  requirement('RFC 6749', '§2.3', 'a client must not use more than one authentication method in a request', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'svc', client_secret: 'svc-secret' }, { authorization: basic('svc', 'svc-secret') });
    assert.ok(res.status === 400 || res.status === 401, res.text);
    assert.ok(['invalid_request', 'invalid_client'].includes(String(res.body['error'])), res.text);
  });

  requirement('RFC 6749', '§2.3.1', 'Basic credentials are form-urlencoded before base64', async () => {
    const res = await token({ grant_type: 'client_credentials' }, { authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}` });
    assert.equal(res.status, 200);
  });

  requirement('RFC 6749', '§3.2', 'the token endpoint accepts only application/x-www-form-urlencoded bodies', async () => {
    const res = await fetch(`${server.url}/token`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic('svc', 'svc-secret') }, body: JSON.stringify({ grant_type: 'client_credentials' }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });

  requirement('RFC 6749', '§4.4.3', 'client credentials responses carry no refresh token', async () => {
    const res = await token({ grant_type: 'client_credentials', scope: 'read' }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(res.status, 200);
    assert.equal(res.body['refresh_token'], undefined);
  });

  requirement('RFC 6749', '§3.3, §5.1', 'a granted scope other than the one requested (here: none, so the default) is returned in scope', async () => {
    const res = await token({ grant_type: 'client_credentials', resource: API }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(res.status, 200, res.text);
    assert.ok(typeof res.body['scope'] === 'string' && res.body['scope'] !== '', res.text);
  });

  requirement('RFC 6749', '§6', 'a refresh request may not widen the original scope', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    const res = await token({ grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']), scope: 'openid offline_access email' }, { authorization: RP });
    assertOAuthError(res, 400, 'invalid_scope');
  });

  requirement('RFC 6749', '§6', 'a refresh token is bound to the client it was issued to', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    assertOAuthError(await token({ grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']) }, { authorization: basic('rp2', 'rp2-secret') }), 400, 'invalid_grant');
    const ok = await token({ grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']) }, { authorization: RP });
    assert.equal(ok.status, 200, 'a refused attempt by another client changes nothing');
  });

  requirement('RFC 6749', '§10.4, RFC 9700 §4.14.2', 'a rotated refresh token, replayed, is refused and ends its family', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access' });
    const first = await token({ grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']) }, { authorization: RP });
    assert.equal(first.status, 200);
    assertOAuthError(await token({ grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']) }, { authorization: RP }), 400, 'invalid_grant');
    assertOAuthError(await token({ grant_type: 'refresh_token', refresh_token: String(first.body['refresh_token']) }, { authorization: RP }), 400, 'invalid_grant');
  });

  requirement('RFC 6749', '§4.1.1, RFC 9700 §2.1.1', 'a public client must use PKCE', async () => {
    const location = new URL((await raw({ client_id: 'pub', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's' })).headers.get('location') ?? '');
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  requirement('RFC 6749', '§2.1, §3.2.1', 'a public client cannot use the client credentials grant', async () => {
    const res = await token({ grant_type: 'client_credentials', client_id: 'pub' });
    assert.ok(['invalid_client', 'unauthorized_client'].includes(String(res.body['error'])), res.text);
  });
});
