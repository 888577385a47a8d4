/**
 * Pushed authorization requests (RFC 9126) and the sign-in they start, driven by oauth4webapi
 * with PKCE, DPoP (RFC 9449) and private_key_jwt (RFC 7523): the access token is DPoP-bound and
 * UserInfo refuses it without a matching proof. Negative paths are raw requests.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, assertAuthorizeRefused, assertError, Browser, CB, discover, INSECURE, keyPair, postForm, proof, signIn, type KeyPair } from './helpers.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('pushed authorization requests', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let parUrl: string;
  let clientKey: KeyPair;
  let dpopKey: KeyPair;
  const client: oauth.Client = { client_id: 'bank' };
  const now = () => server.clock.now();

  before(async () => {
    clientKey = await keyPair('ES256');
    dpopKey = await keyPair('ES256');
    const jwk: JWK = { ...clientKey.publicJwk, kid: 'bank-1', alg: 'ES256', use: 'sig' };
    server = await startServer({
      users: [ALICE],
      clients: [
        {
          client_id: 'bank', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, redirect_uris: [CB],
          grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access', require_pushed_authorization_requests: true,
        },
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid profile email' },
        { client_id: 'other', client_secret: 'other-secret', redirect_uris: [CB], scope: 'openid profile email' },
      ],
    });
    as = await discover(server);
    parUrl = `${server.url}/par`;
  });
  after(() => server.close());

  it('advertises the endpoint (RFC 9126 §5)', () => {
    assert.equal(as.pushed_authorization_request_endpoint, parUrl);
    assert.equal(as.require_pushed_authorization_requests, false);
  });

  it('PAR + PKCE + DPoP + private_key_jwt complete a sign-in; UserInfo needs a matching proof', async () => {
    const clientAuth = oauth.PrivateKeyJwt({ key: clientKey.privateKey, kid: 'bank-1' });
    const DPoP = oauth.DPoP(client, { privateKey: dpopKey.privateKey, publicKey: dpopKey.publicKey });
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const nonce = oauth.generateRandomNonce();
    const pushed = await oauth.pushedAuthorizationRequest(as, client, clientAuth, new URLSearchParams({
      redirect_uri: CB, response_type: 'code', scope: 'openid email offline_access', state, nonce, prompt: 'consent',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }), { ...INSECURE, DPoP });
    assert.equal(pushed.status, 201);
    assert.equal(pushed.headers.get('cache-control'), 'no-store');
    const { request_uri: requestUri, expires_in: expiresIn } = await oauth.processPushedAuthorizationResponse(as, client, pushed);
    assert.match(requestUri, /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{22,}$/);
    assert.equal(expiresIn, 60);

    const start = new URL(as.authorization_endpoint!);
    start.search = new URLSearchParams({ client_id: 'bank', request_uri: requestUri }).toString();
    const browser = new Browser(server.url);
    // A reload before signing in still shows the login page.
    const first = await browser.request(start.href);
    assert.equal(first.status, 200);
    assert.match(first.html, /name="password"/);
    const callback = await signIn(browser, start.href);
    assert.equal(callback.searchParams.get('iss'), server.url);
    const params = oauth.validateAuthResponse(as, client, callback, state);

    const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, CB, verifier, { ...INSECURE, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { expectedNonce: nonce, requireIdToken: true });
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token)['cnf'], { jkt: dpopKey.jkt }, 'the access token is DPoP-bound');

    const info = await oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, await oauth.userInfoRequest(as, client, tokens.access_token, { ...INSECURE, DPoP }));
    assert.equal(info['email'], ALICE.email);
    const userinfo = `${server.url}/userinfo`;
    const bearer = await fetch(userinfo, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(bearer.status, 401);
    assert.match(bearer.headers.get('www-authenticate') ?? '', /^DPoP /);
    const bare = await fetch(userinfo, { headers: { authorization: `DPoP ${tokens.access_token}` } });
    assert.equal(bare.status, 401);
    const stranger = await keyPair('ES256');
    const wrongKey = await fetch(userinfo, { headers: { authorization: `DPoP ${tokens.access_token}`, dpop: await proof(stranger, { htm: 'GET', htu: userinfo, accessToken: tokens.access_token }, now()) } });
    assert.equal(wrongKey.status, 401);

    // RFC 9126 §4: the request_uri is spent once the authorization completed.
    await assertAuthorizeRefused(server.url, start.href, 'invalid_request_uri', 'reuse after completion');
  });

  async function push(form: Record<string, string>, headers: Record<string, string> = { authorization: basic('web', 'web-secret') }) {
    return postForm(parUrl, { redirect_uri: CB, response_type: 'code', scope: 'openid', ...form }, headers);
  }

  it('answers 201 with request_uri and expires_in, and ignores parameters sent beside the request_uri', async () => {
    const res = await push({ state: 'pushed-state' });
    assert.equal(res.status, 201, res.text);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const requestUri = String(res.body['request_uri']);
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: requestUri, state: 'outside', scope: 'openid not-allowed', redirect_uri: 'https://evil.example/cb' })}`;
    const callback = await signIn(new Browser(server.url), url);
    assert.equal(callback.searchParams.get('state'), 'pushed-state');
    assert.ok(callback.searchParams.get('code'));
  });

  it('ends the request_uri when the user denies consent', async () => {
    const res = await push({ prompt: 'consent', state: 'deny-me' });
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: String(res.body['request_uri']) })}`;
    const browser = new Browser(server.url);
    let page = await browser.request(url);
    page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    await browser.submit(page, {}, { name: 'decision', value: 'deny' });
    const callback = new URL(browser.lastExternal ?? 'http://missing/');
    assert.equal(callback.searchParams.get('error'), 'access_denied');
    assert.equal(callback.searchParams.get('state'), 'deny-me');
    await assertAuthorizeRefused(server.url, url, 'invalid_request_uri', 'reuse after denial');
  });

  it('refuses an expired request_uri', async () => {
    const res = await push({});
    server.clock.advance(61);
    try {
      await assertAuthorizeRefused(server.url, `${server.url}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: String(res.body['request_uri']) })}`, 'invalid_request_uri', 'expired');
    } finally {
      server.clock.advance(-61);
    }
  });

  it('refuses a request_uri used by another client', async () => {
    const res = await push({});
    await assertAuthorizeRefused(server.url, `${server.url}/authorize?${new URLSearchParams({ client_id: 'other', request_uri: String(res.body['request_uri']) })}`, 'invalid_request_uri', 'another client');
    await assertAuthorizeRefused(server.url, `${server.url}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: 'urn:ietf:params:oauth:request_uri:made-up' })}`, 'invalid_request_uri', 'unknown');
    // Still usable by the client that pushed it.
    const page = await new Browser(server.url).request(`${server.url}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: String(res.body['request_uri']) })}`);
    assert.match(page.html, /name="password"/);
  });

  it('refuses request_uri inside a pushed request, and validates like the authorization endpoint (JSON errors)', async () => {
    assertError(await push({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' }), 400, 'invalid_request', 'request_uri in PAR');
    assertError(await push({ redirect_uri: 'https://evil.example/cb' }), 400, 'invalid_request', 'unregistered redirect_uri');
    assertError(await push({ scope: 'openid admin' }), 400, 'invalid_scope', 'scope');
    assertError(await push({ response_type: 'token id_token' }), 400, 'unauthorized_client', 'response_type');
    assertError(await push({ code_challenge: 'abc', code_challenge_method: 'plain' }), 400, 'invalid_request', 'plain PKCE');
    assertError(await push({}, {}), 401, 'invalid_client', 'no client authentication');
    assertError(await push({}, { authorization: basic('web', 'wrong') }), 401, 'invalid_client', 'bad secret');
  });

  it('is POST only (405)', async () => {
    const res = await fetch(parUrl);
    assert.equal(res.status, 405);
    assert.equal(res.headers.get('allow'), 'POST');
  });

  it('binds the code to the DPoP key given at PAR, and refuses a dpop_jkt that differs from the proof', async () => {
    const other = await keyPair('ES256');
    const mismatch = await push({ dpop_jkt: other.jkt }, { authorization: basic('web', 'web-secret'), dpop: await proof(dpopKey, { htu: parUrl }, now()) });
    assertError(mismatch, 400, 'invalid_request', 'dpop_jkt differs from the proof key');
    const badProof = await push({}, { authorization: basic('web', 'web-secret'), dpop: await proof(dpopKey, { htu: `${server.url}/token` }, now()) });
    assertError(badProof, 400, 'invalid_dpop_proof', 'proof for another endpoint');
  });

  it('sends clients that must use PAR back with invalid_request when they do not', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const url = `${server.url}/authorize?${new URLSearchParams({ client_id: 'bank', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's1', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`;
    const browser = new Browser(server.url);
    await browser.request(url);
    const callback = new URL(browser.lastExternal ?? 'http://missing/');
    assert.equal(callback.searchParams.get('error'), 'invalid_request');
    assert.equal(callback.searchParams.get('state'), 's1');
  });
});

describe('server-wide PAR requirement', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ features: { requirePushedAuthorizationRequests: true }, clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid' }] });
  });
  after(() => server.close());

  it('is advertised and enforced', async () => {
    const as = await discover(server);
    assert.equal(as.require_pushed_authorization_requests, true);
    const browser = new Browser(server.url);
    await browser.request(`${server.url}/authorize?${new URLSearchParams({ client_id: 'web', redirect_uri: CB, response_type: 'code', scope: 'openid' })}`);
    assert.equal(new URL(browser.lastExternal ?? 'http://missing/').searchParams.get('error'), 'invalid_request');
  });
});
