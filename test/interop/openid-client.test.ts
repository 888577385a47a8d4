/**
 * Interoperability with openid-client 6 (a certified relying-party library): every finished flow
 * driven end to end through discovery, the pages and the back-channel endpoints, with the
 * library's own validation of every response (state, nonce, PKCE, ID token signature and claims,
 * at_hash / c_hash, UserInfo subject).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { codeFlowStart } from '../helpers/sign-in.ts';
import { ACCESS_TOKEN_TYPE, ALICE, API, BYE, CB, signIn, startInteropServer, TOKEN_EXCHANGE, type ClientKey } from './support.ts';

const INSECURE = { execute: [oidc.allowInsecureRequests] };

describe('interop: openid-client 6', () => {
  let server: TestServer;
  let key: ClientKey;

  before(async () => ({ server, key } = await startInteropServer()));
  after(() => server.close());

  const configure = (clientId: string, auth: oidc.ClientAuth, metadata: Partial<oidc.ClientMetadata> = {}): Promise<oidc.Configuration> =>
    oidc.discovery(new URL(server.url), clientId, metadata, auth, INSECURE);

  /** Code + PKCE through the pages; returns the token response validated by openid-client. */
  async function codeFlow(config: oidc.Configuration, scope = 'openid profile email offline_access', browser = new Browser(server.url)) {
    const { url, verifier, state, nonce } = await codeFlowStart(config, CB, { scope });
    const arrival = await signIn(browser, url);
    const tokens = await oidc.authorizationCodeGrant(config, arrival.callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
    return { tokens, arrival, browser };
  }

  for (const [name, clientId, auth] of [
    ['client_secret_basic', 'web', () => oidc.ClientSecretBasic('web-secret')],
    ['client_secret_post', 'web-post', () => oidc.ClientSecretPost('post-secret')],
    ['private_key_jwt', 'pkjwt', () => oidc.PrivateKeyJwt({ key: key.privateKey, kid: 'pkjwt-1' })],
    ['none (public client)', 'spa', () => oidc.None()],
  ] as const) {
    it(`code + PKCE with ${name}, then UserInfo and refresh`, async () => {
      const config = await configure(clientId, auth());
      const { tokens } = await codeFlow(config, clientId === 'spa' ? 'openid profile offline_access' : undefined);
      const claims = tokens.claims();
      assert.ok(claims, 'an ID token');
      assert.equal(claims.iss, server.url);
      assert.equal(claims.aud, clientId);
      const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
      assert.equal(info.sub, claims.sub);
      assert.equal(info['name'], ALICE.name);
      assert.ok(tokens.refresh_token, 'offline_access gives a refresh token');
      const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token);
      assert.ok(refreshed.access_token && refreshed.access_token !== tokens.access_token);
      assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'rotated');
      assert.equal(refreshed.claims()?.sub, claims.sub, 'a refreshed ID token names the same subject');
    });
  }

  it('client credentials with client_secret_basic, client_secret_post and private_key_jwt', async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    for (const [clientId, auth] of [
      ['svc', oidc.ClientSecretBasic('svc-secret')],
      ['svc-post', oidc.ClientSecretPost('svc-post-secret')],
      ['pkjwt', oidc.PrivateKeyJwt({ key: key.privateKey, kid: 'pkjwt-1' })],
    ] as const) {
      const config = await configure(clientId, auth);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read', resource: API });
      assert.equal(tokens.token_type.toLowerCase(), 'bearer');
      assert.equal(tokens.refresh_token, undefined);
      const { payload } = await jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: API, typ: 'at+jwt' });
      assert.equal(payload['client_id'], clientId);
      assert.equal(payload['scope'], 'read');
    }
  });

  it('introspection and revocation of access and refresh tokens', async () => {
    const config = await configure('web', oidc.ClientSecretBasic('web-secret'));
    const { tokens } = await codeFlow(config);
    const active = await oidc.tokenIntrospection(config, tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.client_id, 'web');
    assert.equal(active.sub, tokens.claims()?.sub);
    const refresh = await oidc.tokenIntrospection(config, tokens.refresh_token ?? '', { token_type_hint: 'refresh_token' });
    assert.equal(refresh.active, true);
    await oidc.tokenRevocation(config, tokens.access_token, { token_type_hint: 'access_token' });
    assert.deepEqual({ ...(await oidc.tokenIntrospection(config, tokens.access_token)) }, { active: false });
    await oidc.tokenRevocation(config, tokens.refresh_token ?? '');
    assert.equal((await oidc.tokenIntrospection(config, tokens.refresh_token ?? '')).active, false);
    await assert.rejects(oidc.refreshTokenGrant(config, tokens.refresh_token ?? ''), (err: unknown) => (err as { error?: string }).error === 'invalid_grant');
  });

  it('token exchange (RFC 8693) for a downstream API, with the actor named', async () => {
    const config = await configure('exchanger', oidc.ClientSecretBasic('exchanger-secret'));
    const { tokens } = await codeFlow(config, 'openid profile read');
    const exchanged = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN_TYPE,
      audience: API,
      scope: 'read',
    });
    assert.equal(exchanged['issued_token_type'], ACCESS_TOKEN_TYPE);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(exchanged.access_token, jwks, { issuer: server.url, audience: API });
    assert.equal(payload.sub, tokens.claims()?.sub);
    assert.deepEqual(payload['act'], { sub: 'exchanger' });
    await assert.rejects(
      oidc.genericGrantRequest(config, TOKEN_EXCHANGE, { subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN_TYPE, audience: 'https://elsewhere.example.com' }),
      (err: unknown) => (err as { error?: string }).error === 'invalid_target',
    );
  });

  it('implicit (id_token) and hybrid (code id_token) responses pass the library\'s hash checks', async () => {
    const browser = new Browser(server.url);
    const implicit = await configure('hybrid', oidc.ClientSecretBasic('hybrid-secret'));
    oidc.useIdTokenResponseType(implicit);
    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const arrival = await signIn(browser, oidc.buildAuthorizationUrl(implicit, { redirect_uri: CB, scope: 'openid profile', nonce, state }));
    assert.equal(arrival.mode, 'fragment');
    const claims = await oidc.implicitAuthentication(implicit, arrival.callback, nonce, { expectedState: state });
    assert.equal(claims.aud, 'hybrid');

    const hybrid = await configure('hybrid', oidc.ClientSecretBasic('hybrid-secret'));
    oidc.useCodeIdTokenResponseType(hybrid);
    const verifier = oidc.randomPKCECodeVerifier();
    const hybridNonce = oidc.randomNonce();
    const back = await signIn(
      browser,
      oidc.buildAuthorizationUrl(hybrid, { redirect_uri: CB, scope: 'openid email', nonce: hybridNonce, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' }),
    );
    assert.ok(back.params.get('id_token') && back.params.get('code'));
    const tokens = await oidc.authorizationCodeGrant(hybrid, back.callback, { pkceCodeVerifier: verifier, expectedNonce: hybridNonce, expectedState: state });
    assert.equal(tokens.claims()?.sub, claims.sub);
  });

  it('RP-initiated logout with id_token_hint, post_logout_redirect_uri and state ends the session', async () => {
    const config = await configure('web', oidc.ClientSecretBasic('web-secret'));
    const { tokens, browser } = await codeFlow(config, 'openid profile');
    const state = oidc.randomState();
    const url = oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: BYE, state });
    assert.equal(`${url.origin}${url.pathname}`, `${server.url}/end_session`, 'from discovery');
    const arrival = await signIn(browser, url, BYE);
    assert.equal(arrival.params.get('state'), state);
    // OIDC Core §3.1.2.6: with no session left, prompt=none must fail with login_required.
    const again = oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', prompt: 'none', state, code_challenge: await oidc.calculatePKCECodeChallenge(oidc.randomPKCECodeVerifier()), code_challenge_method: 'S256' });
    const silent = await signIn(browser, again);
    assert.equal(silent.params.get('error'), 'login_required');
    // Logout revokes the session's grants that lack offline_access: its access token is dead.
    assert.equal((await oidc.tokenIntrospection(config, tokens.access_token)).active, false);
  });
});
