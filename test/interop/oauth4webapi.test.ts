/**
 * Interoperability with oauth4webapi 3: the same finished flows as the openid-client suite, but
 * through the library's low-level request/response functions, so each protocol step is checked
 * by its own validator (authorization response, token responses, ID token claims, UserInfo,
 * introspection, revocation, and RFC 9068 access-token validation as a resource server does it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { ACCESS_TOKEN_TYPE, ALICE, API, BYE, CB, signIn, startInteropServer, TOKEN_EXCHANGE, type ClientKey } from './support.ts';

const INSECURE = { [oauth.allowInsecureRequests]: true } as const;

describe('interop: oauth4webapi 3', () => {
  let server: TestServer;
  let key: ClientKey;
  let as: oauth.AuthorizationServer;

  before(async () => {
    ({ server, key } = await startInteropServer());
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, INSECURE));
  });
  after(() => server.close());

  /** Code + PKCE through the pages, each response validated by oauth4webapi. */
  async function codeFlow(client: oauth.Client, auth: oauth.ClientAuth, scope = 'openid profile email offline_access', browser = new Browser(server.url)) {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: client.client_id, redirect_uri: CB, response_type: 'code', scope, state, nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).toString();
    const arrival = await signIn(browser, url);
    const params = oauth.validateAuthResponse(as, client, arrival.callback, state);
    const res = await oauth.authorizationCodeGrantRequest(as, client, auth, params, CB, verifier, INSECURE);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true });
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    assert.ok(claims);
    // oauth4webapi checks the ID token's claims; its signature is checked here against the published keys.
    await jwtVerify(tokens.id_token ?? '', createRemoteJWKSet(new URL(as.jwks_uri ?? '')), { issuer: server.url, audience: client.client_id });
    return { tokens, claims, browser };
  }

  for (const [name, clientId, auth] of [
    ['client_secret_basic', 'web', () => oauth.ClientSecretBasic('web-secret')],
    ['client_secret_post', 'web-post', () => oauth.ClientSecretPost('post-secret')],
    ['private_key_jwt', 'pkjwt', () => oauth.PrivateKeyJwt({ key: key.privateKey, kid: 'pkjwt-1' })],
    ['none (public client)', 'spa', () => oauth.None()],
  ] as const) {
    it(`code + PKCE with ${name}, then UserInfo and refresh`, async () => {
      const client: oauth.Client = { client_id: clientId };
      const { tokens, claims } = await codeFlow(client, auth(), clientId === 'spa' ? 'openid profile offline_access' : undefined);
      const info = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, INSECURE));
      assert.equal(info['name'], ALICE.name);
      assert.ok(tokens.refresh_token);
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth(), tokens.refresh_token, INSECURE));
      assert.ok(refreshed.refresh_token && refreshed.refresh_token !== tokens.refresh_token, 'rotated');
      assert.equal(oauth.getValidatedIdTokenClaims(refreshed)?.sub, claims.sub);
    });
  }

  it('client credentials; the JWT access token passes validateJwtAccessToken (RFC 9068) at a resource server', async () => {
    for (const [clientId, auth] of [
      ['svc', oauth.ClientSecretBasic('svc-secret')],
      ['svc-post', oauth.ClientSecretPost('svc-post-secret')],
      ['pkjwt', oauth.PrivateKeyJwt({ key: key.privateKey, kid: 'pkjwt-1' })],
    ] as const) {
      const client: oauth.Client = { client_id: clientId };
      const res = await oauth.clientCredentialsGrantRequest(as, client, auth, new URLSearchParams({ scope: 'read', resource: API }), INSECURE);
      const tokens = await oauth.processClientCredentialsResponse(as, client, res);
      assert.equal(tokens.token_type, 'bearer');
      const request = new Request(`${API}/orders`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
      const claims = await oauth.validateJwtAccessToken(as, request, API, INSECURE);
      assert.equal(claims.client_id, clientId);
      assert.equal(claims['scope'], 'read');
    }
  });

  it('introspection and revocation', async () => {
    const client: oauth.Client = { client_id: 'web' };
    const auth = oauth.ClientSecretBasic('web-secret');
    const { tokens, claims } = await codeFlow(client, auth);
    const introspect = async (token: string) => oauth.processIntrospectionResponse(as, client, await oauth.introspectionRequest(as, client, auth, token, INSECURE));
    const active = await introspect(tokens.access_token);
    assert.equal(active.active, true);
    assert.equal(active.sub, claims.sub);
    assert.equal(active.client_id, 'web');
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.access_token, INSECURE));
    assert.equal((await introspect(tokens.access_token)).active, false);
    await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, tokens.refresh_token ?? '', { ...INSECURE, additionalParameters: { token_type_hint: 'refresh_token' } }));
    const res = await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token ?? '', INSECURE);
    await assert.rejects(oauth.processRefreshTokenResponse(as, client, res), (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_grant');
  });

  it('token exchange (RFC 8693) through genericTokenEndpointRequest', async () => {
    const client: oauth.Client = { client_id: 'exchanger' };
    const auth = oauth.ClientSecretBasic('exchanger-secret');
    const { tokens, claims } = await codeFlow(client, auth, 'openid profile read');
    const res = await oauth.genericTokenEndpointRequest(as, client, auth, TOKEN_EXCHANGE, new URLSearchParams({ subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: API, scope: 'read' }), INSECURE);
    const exchanged = await oauth.processGenericTokenEndpointResponse(as, client, res);
    assert.equal(exchanged['issued_token_type'], ACCESS_TOKEN_TYPE);
    const validated = await oauth.validateJwtAccessToken(as, new Request(API, { headers: { authorization: `Bearer ${exchanged.access_token}` } }), API, INSECURE);
    assert.equal(validated.sub, claims.sub);
    assert.deepEqual(validated['act'], { sub: 'exchanger' });
    const widened = await oauth.genericTokenEndpointRequest(as, client, auth, TOKEN_EXCHANGE, new URLSearchParams({ subject_token: tokens.access_token, subject_token_type: ACCESS_TOKEN_TYPE, resource: API, scope: 'read write' }), INSECURE);
    await assert.rejects(oauth.processGenericTokenEndpointResponse(as, client, widened), (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'invalid_scope');
  });

  it('hybrid (code id_token) passes validateCodeIdTokenResponse', async () => {
    const client: oauth.Client = { client_id: 'hybrid' };
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({
      client_id: 'hybrid', redirect_uri: CB, response_type: 'code id_token', scope: 'openid profile', state, nonce,
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }).toString();
    const arrival = await signIn(new Browser(server.url), url);
    const params = await oauth.validateCodeIdTokenResponse(as, client, arrival.callback, nonce, state, undefined, INSECURE);
    const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.ClientSecretBasic('hybrid-secret'), params, CB, verifier, INSECURE);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true });
    assert.ok(oauth.getValidatedIdTokenClaims(tokens)?.sub);
  });

  it('RP-initiated logout at the discovered end_session_endpoint', async () => {
    const client: oauth.Client = { client_id: 'web' };
    const auth = oauth.ClientSecretBasic('web-secret');
    const { tokens, browser } = await codeFlow(client, auth, 'openid profile');
    assert.ok(as.end_session_endpoint);
    const url = new URL(as.end_session_endpoint);
    url.search = new URLSearchParams({ id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: BYE, state: 'bye-1' }).toString();
    const arrival = await signIn(browser, url, BYE);
    assert.equal(arrival.params.get('state'), 'bye-1');
    const info = await oauth.userInfoRequest(as, client, tokens.access_token, INSECURE);
    assert.equal(info.status, 401, 'the session\'s grant is revoked at logout');
  });
});
