/**
 * Sign-in with the authorization code flow + PKCE, driven by openid-client (a certified
 * relying-party library) through the login and consent pages, as a browser would.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Browser } from '../helpers/browser.ts';
import { codeFlowStart, signInThroughPages, type CodeFlowStart, type SignedIn } from '../helpers/sign-in.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const CB = 'http://127.0.0.1:5999/cb';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', given_name: 'Alice', family_name: 'Liddell', email: 'alice@example.com', email_verified: true, locale: 'en-GB' };

const clients = [
  { client_id: 'web', client_secret: 'web-secret', client_name: 'Web App', redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' },
  { client_id: 'web-post', client_secret: 'post-secret', redirect_uris: [CB], token_endpoint_auth_method: 'client_secret_post', scope: 'openid profile email' },
  { client_id: 'spa', redirect_uris: [CB], token_endpoint_auth_method: 'none', scope: 'openid profile', grant_types: ['authorization_code', 'refresh_token'] },
  { client_id: 'signed', client_secret: 'signed-secret', redirect_uris: [CB], scope: 'openid profile email', id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'EdDSA' },
  { client_id: 'first-party', client_secret: 'fp-secret', redirect_uris: [CB], scope: 'openid profile', skip_consent: true },
];

async function rp(server: TestServer, clientId: string, secret?: string, auth?: oidc.ClientAuth): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(server.url), clientId, secret, auth ?? (secret ? oidc.ClientSecretBasic(secret) : oidc.None()), { execute: [oidc.allowInsecureRequests] });
}

function authorizationUrl(config: oidc.Configuration, extra: Record<string, string> = {}): Promise<CodeFlowStart> {
  return codeFlowStart(config, CB, extra);
}

/** Signs in on the login page and allows on the consent page when they appear; returns the callback URL. */
async function signIn(browser: Browser, start: URL, credentials = ALICE): Promise<SignedIn> {
  return signInThroughPages(browser, start.href, CB, credentials);
}

describe('authorization code flow', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ clients, users: [ALICE] });
  });
  after(() => server.close());

  for (const [clientId, secret, auth] of [
    ['web', 'web-secret', oidc.ClientSecretBasic('web-secret')],
    ['web-post', 'post-secret', oidc.ClientSecretPost('post-secret')],
  ] as const) {
    it(`completes code + PKCE with ${clientId === 'web' ? 'client_secret_basic' : 'client_secret_post'}`, async () => {
      const config = await rp(server, clientId, secret, auth);
      const browser = new Browser(server.url);
      const start = await authorizationUrl(config);
      const { callback, pages } = await signIn(browser, start.url);
      assert.ok(pages.includes('login') && pages.includes('consent'));
      assert.equal(callback.searchParams.get('iss'), server.url, 'RFC 9207 iss');
      const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.ok(tokens.expires_in && tokens.expires_in > 0);
      const idToken = tokens.id_token;
      assert.ok(idToken);
      const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
      const { payload, protectedHeader } = await jwtVerify(idToken, jwks, { issuer: server.url, audience: clientId });
      assert.equal(protectedHeader.alg, 'RS256');
      assert.ok(protectedHeader.kid);
      for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash', 'sid']) assert.ok(payload[claim] !== undefined, `ID token has ${claim}`);
      assert.equal(payload['nonce'], start.nonce);
      const info = await oidc.fetchUserInfo(config, tokens.access_token, String(payload.sub));
      assert.equal(info.sub, payload.sub);
      assert.equal(info['email'], ALICE.email);
      assert.equal(info['name'], ALICE.name);
      assert.equal(info['given_name'], ALICE.given_name);
    });
  }

  it('signs ID tokens and UserInfo with the algorithms the client registered', async () => {
    const config = await oidc.discovery(
      new URL(server.url),
      'signed',
      { client_secret: 'signed-secret', id_token_signed_response_alg: 'ES256', userinfo_signed_response_alg: 'EdDSA' },
      oidc.ClientSecretBasic('signed-secret'),
      { execute: [oidc.allowInsecureRequests] },
    );
    const start = await authorizationUrl(config);
    const { callback } = await signIn(new Browser(server.url), start.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { protectedHeader, payload } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: server.url, audience: 'signed' });
    assert.equal(protectedHeader.alg, 'ES256');
    const raw = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.match(raw.headers.get('content-type') ?? '', /^application\/jwt/);
    const signed = await jwtVerify(await raw.text(), jwks, { issuer: server.url, audience: 'signed' });
    assert.equal(signed.protectedHeader.alg, 'EdDSA');
    assert.equal(signed.payload.sub, payload.sub);
    assert.equal(signed.payload['email'], ALICE.email);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, String(payload.sub));
    assert.equal(info['email'], ALICE.email, 'openid-client accepts the signed response');
  });

  it('signs a second client in through the existing session without a password, and remembers consent', async () => {
    const browser = new Browser(server.url);
    const web = await rp(server, 'web', 'web-secret');
    const first = await signIn(browser, (await authorizationUrl(web)).url);
    assert.ok(first.pages.includes('login'));
    const spa = await rp(server, 'spa');
    const start = await authorizationUrl(spa, { scope: 'openid profile' });
    const second = await signIn(browser, start.url);
    assert.equal(second.pages.includes('login'), false, 'no password prompt');
    assert.equal(second.pages.includes('consent'), true, 'a new client still asks for consent');
    const tokens = await oidc.authorizationCodeGrant(spa, second.callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
    assert.ok(tokens.id_token);
    const again = await signIn(browser, (await authorizationUrl(spa, { scope: 'openid profile' })).url);
    assert.equal(again.pages.includes('login'), false);
    assert.equal(again.pages.includes('consent'), false, 'consent is remembered');
    const fp = await signIn(browser, (await authorizationUrl(await rp(server, 'first-party', 'fp-secret'), { scope: 'openid profile' })).url);
    assert.equal(fp.pages.includes('consent'), false, 'skip_consent clients never ask');
  });

  it('rejects a redeemed code and revokes the tokens issued from it', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const start = await authorizationUrl(config);
    const { callback } = await signIn(new Browser(server.url), start.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
    const replay = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('web:web-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: callback.searchParams.get('code') ?? '', redirect_uri: CB, code_verifier: start.verifier }),
    });
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_grant');
    assert.equal(replay.headers.get('cache-control'), 'no-store');
    const info = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(info.status, 401);
    assert.match(info.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  it('rotates refresh tokens and revokes the family when a rotated one is replayed', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const start = await authorizationUrl(config, { scope: 'openid offline_access' });
    const { callback } = await signIn(new Browser(server.url), start.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
    const rt1 = tokens.refresh_token;
    assert.ok(rt1);
    const second = await oidc.refreshTokenGrant(config, rt1);
    const rt2 = second.refresh_token;
    assert.ok(rt2 && rt2 !== rt1, 'a new refresh token on every use');
    await assert.rejects(oidc.refreshTokenGrant(config, rt1), (err: unknown) => (err as { error?: string }).error === 'invalid_grant');
    await assert.rejects(oidc.refreshTokenGrant(config, rt2), (err: unknown) => (err as { error?: string }).error === 'invalid_grant', 'the newest token of the family is revoked too');
  });

  it('revokes the whole grant when its refresh token is revoked, at once for UserInfo and introspection', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const start = await authorizationUrl(config, { scope: 'openid offline_access' });
    const { callback } = await signIn(new Browser(server.url), start.url);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: start.verifier, expectedState: start.state, expectedNonce: start.nonce });
    assert.ok(tokens.refresh_token);
    const before = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(before.status, 200);
    await oidc.tokenRevocation(config, tokens.refresh_token, { token_type_hint: 'refresh_token' });
    const after = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(after.status, 401);
    assert.match(after.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const introspected = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token), (err: unknown) => (err as { error?: string }).error === 'invalid_grant');
  });

  it('shows an HTML 400 page, never a redirect, for an unknown client or an unregistered redirect URI', async () => {
    const cases = [
      `client_id=nope&redirect_uri=${encodeURIComponent(CB)}&response_type=code&scope=openid`,
      `client_id=web&redirect_uri=${encodeURIComponent('http://127.0.0.1:5999/evil')}&response_type=code&scope=openid`,
      `client_id=web&redirect_uri=${encodeURIComponent(`${CB}/x`)}&response_type=code&scope=openid`,
      `client_id=web&redirect_uri=${encodeURIComponent(`${CB}?a=1`)}&response_type=code&scope=openid`,
      `client_id=web&client_id=web&redirect_uri=${encodeURIComponent(CB)}&response_type=code&scope=openid`,
      // A state too long to echo in a Location header.
      `client_id=web&redirect_uri=${encodeURIComponent(CB)}&response_type=code&scope=openid&state=${'s'.repeat(4097)}`,
    ];
    for (const query of cases) {
      const res = await fetch(`${server.url}/authorize?${query}`, { redirect: 'manual' });
      assert.equal(res.status, 400, query);
      assert.equal(res.headers.get('location'), null);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    }
  });

  it('redirects later errors with error, state and iss', async () => {
    const base = { client_id: 'web', redirect_uri: CB, state: 'st-1' };
    const cases: Array<[Record<string, string>, string]> = [
      [{ response_type: 'code', scope: 'openid', prompt: 'none' }, 'login_required'],
      [{ response_type: 'id_token', scope: 'openid', nonce: 'n' }, 'unauthorized_client'],
      [{ response_type: 'token', scope: 'openid' }, 'unsupported_response_type'],
      [{ response_type: 'bogus', scope: 'openid' }, 'unsupported_response_type'],
      [{ response_type: 'code', scope: 'openid admin' }, 'invalid_scope'],
      [{ response_type: 'code', scope: 'openid', code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', max_age: '-1' }, 'invalid_request'],
      [{ response_type: 'code', scope: 'openid', prompt: 'none login' }, 'invalid_request'],
    ];
    for (const [extra, error] of cases) {
      const res = await fetch(`${server.url}/authorize?${new URLSearchParams({ ...base, ...extra })}`, { redirect: 'manual' });
      assert.equal(res.status, 303, JSON.stringify(extra));
      const location = new URL(res.headers.get('location') ?? '');
      assert.equal(`${location.origin}${location.pathname}`, CB);
      // Responses that would carry tokens use the fragment, errors included (OAuth Multiple Response Types §5).
      const carried = extra.response_type === 'id_token' ? new URLSearchParams(location.hash.slice(1)) : location.searchParams;
      assert.equal(carried.get('error'), error, JSON.stringify(extra));
      assert.equal(carried.get('state'), 'st-1');
      assert.equal(carried.get('iss'), server.url);
    }
    // Public clients must use PKCE (RFC 9700 §2.1.1).
    const spa = await fetch(`${server.url}/authorize?${new URLSearchParams({ client_id: 'spa', redirect_uri: CB, response_type: 'code', scope: 'openid' })}`, { redirect: 'manual' });
    assert.equal(new URL(spa.headers.get('location') ?? '').searchParams.get('error'), 'invalid_request');
  });

  it('returns access_denied when the user denies consent', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const browser = new Browser(server.url);
    const start = await authorizationUrl(config, { prompt: 'consent' });
    let page = await browser.request(start.url.href);
    page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    await browser.submit(page, {}, { name: 'decision', value: 'deny' });
    const callback = new URL(browser.lastExternal ?? '');
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), start.state);
  });

  it('gives the same answer for an unknown user and a wrong password', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const answers: string[] = [];
    for (const username of ['alice', 'mallory']) {
      const browser = new Browser(server.url);
      const page = await browser.request((await authorizationUrl(config)).url.href);
      const result = await browser.submit(page, { username, password: 'wrong password' });
      assert.equal(result.status, 401);
      answers.push(result.html.match(/role="alert"[^>]*>([\s\S]*?)</)?.[1]?.trim() ?? '');
    }
    assert.ok(answers[0]);
    assert.equal(answers[0], answers[1]);
  });

  it('says why a sign-in failed in the language of the page', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const browser = new Browser(server.url);
    const page = await browser.request((await authorizationUrl(config, { ui_locales: 'de' })).url.href);
    assert.match(page.html, /<html lang="de"/);
    const result = await browser.submit(page, { username: 'alice', password: 'wrong password' });
    assert.equal(result.status, 401);
    assert.match(result.html, /role="alert"[^>]*>\s*Benutzername oder Passwort ist falsch\./);
  });

  it('refuses a login form without the CSRF token', async () => {
    const config = await rp(server, 'web', 'web-secret');
    const browser = new Browser(server.url);
    const page = await browser.request((await authorizationUrl(config)).url.href);
    const result = await browser.submit(page, { username: ALICE.username, password: ALICE.password, csrf_token: 'forged' });
    assert.equal(result.status, 400);
    assert.equal(browser.lastExternal, undefined);
  });
});
