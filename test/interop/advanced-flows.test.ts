/**
 * Interoperability of the decoupled and sender-constrained flows with openid-client 6 and
 * oauth4webapi 3: device authorization (RFC 8628), CIBA poll mode, pushed authorization requests
 * (RFC 9126) and DPoP (RFC 9449), each driven by the library's own functions and validators.
 *
 * Polling: the user answers before the client polls, so the libraries are handed a zero wait
 * instead of the server's five-second interval; the first poll then returns the tokens.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, decodeJwt, exportJWK } from 'jose';
import * as oauth from 'oauth4webapi';
import * as oidc from 'openid-client';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { Receiver } from '../helpers/receiver.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, CB, signIn } from './support.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';
const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
const sha256 = (s: string): string => createHash('sha256').update(s).digest('base64url');

describe('interop: device, CIBA, PAR and DPoP', () => {
  const webhook = new Receiver();
  let server: TestServer;
  let dispatcher: OutboxDispatcher;
  let as: oauth.AuthorizationServer;

  before(async () => {
    await webhook.start();
    server = await startServer({
      users: [ALICE],
      ciba: { notificationWebhook: `${webhook.url}/webhook` },
      clients: [
        { client_id: 'tv', client_name: 'Living Room TV', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT, 'refresh_token'], scope: 'openid profile offline_access' },
        { client_id: 'bank', client_secret: 'bank-secret', client_name: 'Bank Desk', grant_types: [CIBA_GRANT], backchannel_token_delivery_mode: 'poll', scope: 'openid profile' },
        { client_id: 'par-app', client_secret: 'par-secret', redirect_uris: [CB], require_pushed_authorization_requests: true, skip_consent: true, scope: 'openid profile' },
        { client_id: 'dpop-app', client_secret: 'dpop-secret', redirect_uris: [CB], dpop_bound_access_tokens: true, grant_types: ['authorization_code', 'refresh_token'], skip_consent: true, scope: 'openid profile offline_access' },
      ],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200 });
    const issuer = new URL(server.url);
    as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, INSECURE));
  });
  after(async () => {
    await dispatcher.stop();
    await server.close();
    await webhook.close();
  });

  const configure = (clientId: string, auth: oidc.ClientAuth): Promise<oidc.Configuration> =>
    oidc.discovery(new URL(server.url), clientId, undefined, auth, { execute: [oidc.allowInsecureRequests] });

  /** The user at verification_uri_complete: confirm the code, sign in, allow. */
  async function approveDevice(verificationUriComplete: string, userCode: string): Promise<void> {
    const browser = new Browser(server.url);
    let page: Page = await browser.request(verificationUriComplete);
    page = await browser.submit(page, {});
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    assert.ok(page.html.includes(userCode), 'the approval page shows the code');
    page = await browser.submit(page, {}, { name: 'decision', value: 'allow' });
    assert.equal(page.status, 200);
  }

  /** The user at the approval_uri the operator's webhook received for `authReqId`. */
  async function approveCiba(authReqId: string): Promise<void> {
    const note = await webhook.waitFor((r) => r.body['auth_req_id_hash'] === sha256(authReqId));
    const browser = new Browser(server.url);
    let page = await browser.request(String(note.body['approval_uri']));
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    assert.ok(page.html.includes('W4SCT'), 'the binding message is shown');
    await browser.submit(page, {}, { name: 'decision', value: 'allow' });
  }

  it('openid-client: device authorization grant', async () => {
    const config = await configure('tv', oidc.None());
    const start = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
    assert.ok(start.verification_uri_complete);
    await approveDevice(start.verification_uri_complete, start.user_code);
    const tokens = await oidc.pollDeviceAuthorizationGrant(config, { ...start, interval: 0 });
    assert.ok(tokens.claims()?.sub);
    assert.ok(tokens.refresh_token);
  });

  it('oauth4webapi: device authorization grant, with authorization_pending before approval', async () => {
    const client: oauth.Client = { client_id: 'tv' };
    const start = await oauth.processDeviceAuthorizationResponse(as, client, await oauth.deviceAuthorizationRequest(as, client, oauth.None(), new URLSearchParams({ scope: 'openid profile' }), INSECURE));
    const pending = await oauth.deviceCodeGrantRequest(as, client, oauth.None(), start.device_code, INSECURE);
    await assert.rejects(oauth.processDeviceCodeResponse(as, client, pending), (err: unknown) => err instanceof oauth.ResponseBodyError && err.error === 'authorization_pending');
    await approveDevice(start.verification_uri_complete ?? '', start.user_code);
    server.clock.advance(start.interval ?? 5); // the next poll comes one interval later
    try {
      const res = await oauth.deviceCodeGrantRequest(as, client, oauth.None(), start.device_code, INSECURE);
      const tokens = await oauth.processDeviceCodeResponse(as, client, res);
      assert.ok(oauth.getValidatedIdTokenClaims(tokens)?.sub);
    } finally {
      server.clock.advance(-(start.interval ?? 5));
    }
  });

  it('openid-client: CIBA poll mode', async () => {
    const config = await configure('bank', oidc.ClientSecretBasic('bank-secret'));
    const start = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid profile', login_hint: ALICE.username, binding_message: 'W4SCT' });
    await approveCiba(start.auth_req_id);
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, { ...start, interval: 0 });
    assert.ok(tokens.claims()?.sub);
    assert.equal(tokens.claims()?.aud, 'bank');
  });

  it('oauth4webapi: CIBA poll mode', async () => {
    const client: oauth.Client = { client_id: 'bank' };
    const auth = oauth.ClientSecretBasic('bank-secret');
    const start = await oauth.processBackchannelAuthenticationResponse(as, client, await oauth.backchannelAuthenticationRequest(as, client, auth, new URLSearchParams({ scope: 'openid', login_hint: ALICE.username, binding_message: 'W4SCT' }), INSECURE));
    await approveCiba(start.auth_req_id);
    const tokens = await oauth.processBackchannelAuthenticationGrantResponse(as, client, await oauth.backchannelAuthenticationGrantRequest(as, client, auth, start.auth_req_id, INSECURE));
    assert.ok(oauth.getValidatedIdTokenClaims(tokens)?.sub);
  });

  it('openid-client: pushed authorization request (client requires PAR)', async () => {
    const config = await configure('par-app', oidc.ClientSecretBasic('par-secret'));
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = await oidc.buildAuthorizationUrlWithPAR(config, { redirect_uri: CB, scope: 'openid profile', state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
    assert.ok(url.searchParams.get('request_uri')?.startsWith('urn:ietf:params:oauth:request_uri:'));
    const arrival = await signIn(new Browser(server.url), url);
    const tokens = await oidc.authorizationCodeGrant(config, arrival.callback, { pkceCodeVerifier: verifier, expectedState: state });
    assert.ok(tokens.claims()?.sub);
  });

  it('oauth4webapi: pushed authorization request', async () => {
    const client: oauth.Client = { client_id: 'par-app' };
    const auth = oauth.ClientSecretBasic('par-secret');
    const verifier = oauth.generateRandomCodeVerifier();
    const params = new URLSearchParams({ redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce: 'n-par' });
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, params, INSECURE));
    assert.ok(pushed.expires_in > 0);
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({ client_id: 'par-app', request_uri: pushed.request_uri }).toString();
    const arrival = await signIn(new Browser(server.url), url);
    const code = oauth.validateAuthResponse(as, client, arrival.callback, oauth.expectNoState);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, code, CB, verifier, INSECURE), { expectedNonce: 'n-par', requireIdToken: true });
    assert.ok(oauth.getValidatedIdTokenClaims(tokens)?.sub);
  });

  it('openid-client: DPoP-bound tokens from the code flow, used at UserInfo and refreshed', async () => {
    const config = await configure('dpop-app', oidc.ClientSecretBasic('dpop-secret'));
    const keyPair = await oidc.randomDPoPKeyPair('ES256');
    const DPoP = oidc.getDPoPHandle(config, keyPair);
    const verifier = oidc.randomPKCECodeVerifier();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid profile offline_access', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'd' });
    const arrival = await signIn(new Browser(server.url), url);
    const tokens = await oidc.authorizationCodeGrant(config, arrival.callback, { pkceCodeVerifier: verifier, expectedState: 'd' }, undefined, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
    const jkt = await calculateJwkThumbprint(await exportJWK(keyPair.publicKey));
    assert.deepEqual(decodeJwt(tokens.access_token)['cnf'], { jkt });
    const info = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub ?? '', { DPoP });
    assert.equal(info['name'], ALICE.name);
    const bearer = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(bearer.status, 401, 'a DPoP-bound token is refused as a bearer token');
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token ?? '', undefined, { DPoP });
    assert.deepEqual(decodeJwt(refreshed.access_token)['cnf'], { jkt });
  });

  it('oauth4webapi: DPoP-bound tokens from the code flow', async () => {
    const client: oauth.Client = { client_id: 'dpop-app' };
    const auth = oauth.ClientSecretBasic('dpop-secret');
    const keyPair = await oauth.generateKeyPair('ES256');
    const DPoP = oauth.DPoP(client, keyPair);
    const verifier = oauth.generateRandomCodeVerifier();
    const url = new URL(as.authorization_endpoint ?? '');
    url.search = new URLSearchParams({ client_id: 'dpop-app', redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', nonce: 'n-d' }).toString();
    const arrival = await signIn(new Browser(server.url), url);
    const code = oauth.validateAuthResponse(as, client, arrival.callback, oauth.expectNoState);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, await oauth.authorizationCodeGrantRequest(as, client, auth, code, CB, verifier, { ...INSECURE, DPoP }), { expectedNonce: 'n-d' });
    assert.equal(tokens.token_type, 'dpop');
    const claims = oauth.getValidatedIdTokenClaims(tokens);
    const info = await oauth.processUserInfoResponse(as, client, claims?.sub ?? '', await oauth.userInfoRequest(as, client, tokens.access_token, { ...INSECURE, DPoP }));
    assert.equal(info.sub, claims?.sub);
  });
});
