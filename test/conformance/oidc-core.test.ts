/**
 * OpenID Connect Core 1.0, OAuth 2.0 Multiple Response Type Encoding Practices and Form Post
 * Response Mode: ID token contents and hashes, nonce, prompt, max_age, UserInfo, refresh.
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { signIn } from '../interop/support.ts';
import { Visitor, ALICE, BOB, CB, halfHash, pkce, postForm, requirement, RP, startSignedIn, verifyJwt } from './harness.ts';

describe('conformance: OpenID Connect Core 1.0', () => {
  let server: TestServer;
  let visitor: Visitor;
  const userinfo = (token: unknown, init: RequestInit = {}) => fetch(`${server.url}/userinfo`, { ...init, headers: { authorization: `Bearer ${String(token)}`, ...(init.headers ?? {}) } });

  before(async () => {
    ({ server, visitor } = await startSignedIn());
  });
  after(() => server.close());

  requirement('OIDC Core', '§3.1.2.6', 'prompt=none without a session is login_required, redirected', async () => {
    const fresh = new Visitor(server);
    const arrival = await fresh.authorize({ prompt: 'none' });
    assert.equal(arrival.params.get('error'), 'login_required');
    assert.equal(arrival.params.get('state'), 'st-1');
    assert.deepEqual(arrival.pages, [], 'no page shown');
  });

  requirement('OIDC Core', '§3.1.2.1', 'prompt=none with a session and prior consent returns a code without any page', async () => {
    const { arrival } = await visitor.code({ prompt: 'none' });
    assert.deepEqual(arrival.pages, []);
  });

  requirement('OIDC Core', '§3.1.2.6', 'prompt=none when consent is still needed is consent_required', async () => {
    const arrival = await visitor.authorize({ client_id: 'ask', scope: 'openid profile', prompt: 'none', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    assert.equal(arrival.params.get('error'), 'consent_required');
    assert.deepEqual(arrival.pages, []);
  });

  requirement('OIDC Core', '§3.1.2.1', 'prompt=none with an id_token_hint for another user than the signed-in one is login_required', async () => {
    const bob = new Visitor(server, BOB);
    const { code, verifier } = await bob.code();
    const hint = String((await bob.redeem(code, verifier)).body['id_token']);
    const arrival = await visitor.authorize({ prompt: 'none', id_token_hint: hint, code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    assert.ok(['login_required', 'interaction_required', 'account_selection_required'].includes(arrival.params.get('error') ?? ''), arrival.callback.href);
  });

  requirement('OIDC Core', '§3.1.2.1', 'prompt=none combined with another value is invalid_request', async () => {
    const arrival = await visitor.authorize({ prompt: 'none consent' });
    assert.equal(arrival.params.get('error'), 'invalid_request');
  });

  requirement('OIDC Core', '§3.1.2.1', 'prompt=login asks the signed-in user to authenticate again', async () => {
    server.clock.advance(2); // a later request than the sign-in (times are whole seconds)
    try {
      const { arrival } = await visitor.code({ prompt: 'login' });
      assert.deepEqual(arrival.pages, ['login']);
    } finally {
      server.clock.advance(-2);
    }
  });

  requirement('OIDC Core', '§3.1.2.1', 'an authentication older than max_age is actively re-authenticated, and auth_time is returned', async () => {
    const browser = new Visitor(server);
    await browser.code();
    server.clock.advance(120);
    try {
      const { arrival, code, verifier } = await browser.code({ max_age: '60' });
      assert.deepEqual(arrival.pages, ['login']);
      const tokens = await browser.redeem(code, verifier);
      const claims = await verifyJwt(server, tokens.body['id_token'], 'rp');
      assert.ok(typeof claims['auth_time'] === 'number');
      assert.ok(server.clock.now() - Number(claims['auth_time']) <= 60, 'auth_time is the new authentication');
    } finally {
      server.clock.advance(-120);
    }
  });

  requirement('OIDC Core', '§3.2.2.1', 'nonce is required for the implicit flow', async () => {
    const url = visitor.url({ client_id: 'rp', redirect_uri: CB, response_type: 'id_token', scope: 'openid', state: 's' });
    const arrival = await signIn(visitor.browser, url);
    assert.equal(arrival.params.get('error'), 'invalid_request');
  });

  requirement('OIDC Core', '§2, §3.1.3.7', 'the ID token carries iss, sub, aud, exp and iat, is signed with an advertised alg, and its kid is published', async () => {
    const tokens = await visitor.tokens();
    const claims = await verifyJwt(server, tokens['id_token'], 'rp');
    assert.equal(claims.iss, server.url);
    assert.ok(claims.sub && claims.sub.length <= 255, 'sub is at most 255 ASCII characters');
    assert.ok([claims.aud].flat().includes('rp'));
    assert.ok(Number(claims.exp) > Number(claims.iat));
    const header = decodeProtectedHeader(String(tokens['id_token']));
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, string[]>;
    assert.ok(doc['id_token_signing_alg_values_supported']?.includes(String(header.alg)));
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    assert.ok(jwks.keys.some((k) => k.kid === header.kid));
  });

  requirement('OIDC Core', '§3.1.2.1, §3.1.3.7', 'the ID token\'s nonce equals the request\'s nonce', async () => {
    const tokens = await visitor.tokens({ nonce: 'nonce-77' });
    assert.equal((await verifyJwt(server, tokens['id_token'], 'rp'))['nonce'], 'nonce-77');
  });

  requirement('OIDC Core', '§3.1.3.6', 'at_hash in the code flow ID token is the left half of SHA-256 of the access token', async () => {
    const tokens = await visitor.tokens();
    const claims = await verifyJwt(server, tokens['id_token'], 'rp');
    if (claims['at_hash'] !== undefined) assert.equal(claims['at_hash'], halfHash(String(tokens['access_token'])));
  });

  requirement('OIDC Core', '§3.2.2.10', 'at_hash is present and correct in an implicit (id_token token) ID token', async () => {
    const arrival = await visitor.authorize({ response_type: 'id_token token', nonce: 'n-imp' });
    assert.equal(arrival.mode, 'fragment', 'Multiple Response Types §5: fragment by default');
    const claims = await verifyJwt(server, arrival.params.get('id_token'), 'rp');
    assert.equal(claims['at_hash'], halfHash(arrival.params.get('access_token') ?? ''));
    assert.equal(claims['nonce'], 'n-imp');
  });

  requirement('OIDC Core', '§3.3.2.11', 'c_hash is present and correct in a hybrid (code id_token) ID token', async () => {
    const arrival = await visitor.authorize({ response_type: 'code id_token', nonce: 'n-hyb' });
    assert.equal(arrival.mode, 'fragment');
    const claims = await verifyJwt(server, arrival.params.get('id_token'), 'rp');
    assert.equal(claims['c_hash'], halfHash(arrival.params.get('code') ?? ''));
  });

  requirement('OIDC Core', '§3.3.2.11', 'code id_token token carries both c_hash and at_hash', async () => {
    const arrival = await visitor.authorize({ response_type: 'code id_token token', nonce: 'n-all' });
    const claims = await verifyJwt(server, arrival.params.get('id_token'), 'rp');
    assert.equal(claims['c_hash'], halfHash(arrival.params.get('code') ?? ''));
    assert.equal(claims['at_hash'], halfHash(arrival.params.get('access_token') ?? ''));
  });

  requirement('OAuth Form Post Response Mode', '§2', 'response_mode=form_post returns an auto-submitting POST form to the redirect URI', async () => {
    const arrival = await visitor.authorize({ response_mode: 'form_post', state: 'fp' });
    assert.equal(arrival.mode, 'form_post');
    assert.ok(arrival.params.get('code'));
    assert.equal(arrival.params.get('state'), 'fp');
  });

  requirement('OAuth Multiple Response Types', '§5', 'response_mode=query is refused for response types that return tokens', async () => {
    const res = await fetch(visitor.url({ client_id: 'rp', redirect_uri: CB, response_type: 'id_token token', response_mode: 'query', scope: 'openid', nonce: 'n', state: 's' }), { redirect: 'manual' });
    const location = res.headers.get('location') ?? '';
    assert.ok(!/[?&]access_token=/.test(location.split('#')[0] ?? ''), 'no token in a query string');
    assert.ok(!/[?&#]id_token=/.test(location), 'no ID token issued');
    assert.match(location, /error=invalid_request/);
  });

  requirement('OIDC Core', '§3.1.2.1', 'redirect_uri is required in an OpenID request', async () => {
    const res = await fetch(visitor.url({ client_id: 'rp', response_type: 'code', scope: 'openid', state: 's' }), { redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  requirement('OIDC Core', '§5.5', 'claims requested for the ID token with the claims parameter are returned in it', async () => {
    const tokens = await visitor.tokens({ scope: 'openid', claims: JSON.stringify({ id_token: { email: null } }) });
    assert.equal((await verifyJwt(server, tokens['id_token'], 'rp'))['email'], ALICE.email);
  });

  requirement('OIDC Core', '§3.1.2.1', 'an unknown response_mode is invalid_request', async () => {
    const res = await fetch(visitor.url({ client_id: 'rp', redirect_uri: CB, response_type: 'code', response_mode: 'carrier-pigeon', scope: 'openid', state: 's' }), { redirect: 'manual' });
    const location = res.headers.get('location');
    assert.ok(res.status === 400 || new URL(location ?? 'http://x/').searchParams.get('error') === 'invalid_request', `${res.status} ${location}`);
  });

  requirement('RFC 6749', '§4.2.2', 'an implicit response carries token_type and expires_in, and never a refresh token', async () => {
    const arrival = await visitor.authorize({ response_type: 'id_token token', scope: 'openid offline_access', nonce: 'n-rt' });
    assert.equal(arrival.params.get('token_type')?.toLowerCase(), 'bearer');
    assert.ok(Number(arrival.params.get('expires_in')) > 0);
    assert.equal(arrival.params.get('refresh_token'), null);
  });

  requirement('OIDC Core', '§3.1.2.1', 'without the openid scope the request is plain OAuth: no ID token is issued', async () => {
    const { code, verifier } = await visitor.code({ scope: 'profile' });
    const res = await visitor.redeem(code, verifier);
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body['id_token'], undefined);
  });

  requirement('OIDC Core', '§5.3.2', 'UserInfo returns JSON whose sub equals the ID token\'s sub', async () => {
    const tokens = await visitor.tokens({ scope: 'openid profile email' });
    const claims = await verifyJwt(server, tokens['id_token'], 'rp');
    const res = await userinfo(tokens['access_token']);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    const info = (await res.json()) as Record<string, unknown>;
    assert.equal(info['sub'], claims.sub);
  });

  requirement('OIDC Core', '§5.3.1', 'UserInfo supports GET and POST', async () => {
    const tokens = await visitor.tokens();
    assert.equal((await userinfo(tokens['access_token'])).status, 200);
    assert.equal((await userinfo(tokens['access_token'], { method: 'POST' })).status, 200);
  });

  requirement('OIDC Core', '§5.4', 'scope values decide which claims UserInfo returns', async () => {
    const profileOnly = await visitor.tokens({ scope: 'openid profile' });
    const a = (await (await userinfo(profileOnly['access_token'])).json()) as Record<string, unknown>;
    assert.equal(a['name'], ALICE.name);
    assert.equal(a['email'], undefined, 'no email without the email scope');
    const withEmail = await visitor.tokens({ scope: 'openid email' });
    const b = (await (await userinfo(withEmail['access_token'])).json()) as Record<string, unknown>;
    assert.equal(b['email'], ALICE.email);
    assert.equal(b['email_verified'], true);
    assert.equal(b['name'], undefined, 'no profile claims without the profile scope');
  });

  requirement('OIDC Core', '§12.2', 'a refreshed ID token keeps iss, sub, aud and auth_time', async () => {
    const tokens = await visitor.tokens({ scope: 'openid offline_access', prompt: 'consent' });
    const first = await verifyJwt(server, tokens['id_token'], 'rp');
    const refreshed = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(tokens['refresh_token']) }, { authorization: RP });
    assert.equal(refreshed.status, 200, refreshed.text);
    const second = await verifyJwt(server, refreshed.body['id_token'], 'rp');
    assert.equal(second.iss, first.iss);
    assert.equal(second.sub, first.sub);
    assert.deepEqual(second.aud, first.aud);
    if (first['auth_time'] !== undefined) assert.equal(second['auth_time'], first['auth_time']);
  });

  requirement('OIDC Core', '§8', 'a user has the same public sub at every client', async () => {
    const a = await verifyJwt(server, (await visitor.tokens())['id_token'], 'rp');
    const browser = visitor.browser;
    const { verifier, challenge } = pkce();
    const arrival = await signIn(browser, visitor.url({ client_id: 'rp2', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }));
    const res = await postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: arrival.params.get('code') ?? '', redirect_uri: CB, code_verifier: verifier }, { authorization: 'Basic ' + Buffer.from('rp2:rp2-secret').toString('base64') });
    const b = await verifyJwt(server, res.body['id_token'], 'rp2');
    assert.equal(a.sub, b.sub);
  });

  requirement('OIDC Core', '§3.1.2.6', 'a user who denies consent yields access_denied', async () => {
    const browser = new Browser(server.url);
    const url = visitor.url({ client_id: 'ask', redirect_uri: CB, response_type: 'code', scope: 'openid profile', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' });
    let page = await browser.request(url);
    page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    await browser.submit(page, {}, { name: 'decision', value: 'deny' });
    assert.equal(new URL(browser.lastExternal ?? '').searchParams.get('error'), 'access_denied');
  });
});
