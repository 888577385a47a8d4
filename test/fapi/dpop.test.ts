/**
 * DPoP (RFC 9449) at the token endpoint and UserInfo: binding (`cnf.jkt`, `token_type: DPoP`),
 * proof checks (§4.3), replay, nonces (§8), refresh tokens of public clients (§5.0),
 * `dpop_bound_access_tokens` (§5.2) and resource access (§7). Happy paths through oauth4webapi.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, assertError, Browser, CB, discover, INSECURE, keyPair, postForm, proof, signIn, type KeyPair } from './helpers.ts';

const clients = [
  { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read' },
  { client_id: 'bound', client_secret: 'bound-secret', grant_types: ['client_credentials'], scope: 'read', dpop_bound_access_tokens: true },
  { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: [CB], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' },
];

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('DPoP', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let tokenUrl: string;
  let key: KeyPair;
  let other: KeyPair;
  const now = () => server.clock.now();

  before(async () => {
    server = await startServer({ clients, users: [ALICE], resources: [{ identifier: 'https://api.example.com', scopes: ['read'], accessTokenFormat: 'opaque' }] });
    as = await discover(server);
    tokenUrl = `${server.url}/token`;
    key = await keyPair('ES256');
    other = await keyPair('ES256');
  });
  after(() => server.close());

  it('advertises dpop_signing_alg_values_supported', () => {
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['ES256', 'PS256', 'EdDSA', 'RS256']);
  });

  it('binds client_credentials tokens to the proof key (JWT cnf.jkt, token_type DPoP)', async () => {
    const client: oauth.Client = { client_id: 'svc' };
    const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read' }), { ...INSECURE, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token)['cnf'], { jkt: key.jkt });
    const intro = await postForm(`${server.url}/introspect`, { token: tokens.access_token }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(intro.body['token_type'], 'DPoP');
    assert.deepEqual(intro.body['cnf'], { jkt: key.jkt });
  });

  it('binds opaque tokens too, and introspection shows the binding', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials', resource: 'https://api.example.com' }, {
      authorization: basic('svc', 'svc-secret'),
      dpop: await proof(key, { htu: tokenUrl }, now()),
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body['token_type'], 'DPoP');
    assert.match(String(res.body['access_token']), /^pc_at_/);
    const intro = await postForm(`${server.url}/introspect`, { token: String(res.body['access_token']) }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(intro.body['active'], true);
    assert.equal(intro.body['token_type'], 'DPoP');
    assert.deepEqual(intro.body['cnf'], { jkt: key.jkt });
  });

  it('refuses a replayed proof, a wrong htm or htu, and malformed proofs with invalid_dpop_proof', async () => {
    const form = { grant_type: 'client_credentials' };
    const auth = { authorization: basic('svc', 'svc-secret') };
    const once = await proof(key, { htu: tokenUrl }, now());
    assert.equal((await postForm(tokenUrl, form, { ...auth, dpop: once })).status, 200);
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: once }), 400, 'invalid_dpop_proof', 'replayed proof');
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htm: 'GET', htu: tokenUrl }, now()) }), 400, 'invalid_dpop_proof', 'wrong htm');
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: `${server.url}/userinfo` }, now()) }), 400, 'invalid_dpop_proof', 'wrong htu');
    // RFC 9449 §4.3 step 9: query and fragment are ignored when comparing htu.
    assert.equal((await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: `${tokenUrl}?x=1#frag` }, now()) })).status, 200);
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: tokenUrl, typ: 'JWT' }, now()) }), 400, 'invalid_dpop_proof', 'wrong typ');
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: tokenUrl, iat: now() - 3600 }, now()) }), 400, 'invalid_dpop_proof', 'stale iat');
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: tokenUrl, jwk: other.publicJwk }, now()) }), 400, 'invalid_dpop_proof', 'jwk of another key');
    const privateJwk = { ...key.publicJwk, d: 'AAAA' };
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: await proof(key, { htu: tokenUrl, jwk: privateJwk }, now()) }), 400, 'invalid_dpop_proof', 'private jwk');
    const two = `${await proof(key, { htu: tokenUrl }, now())}, ${await proof(key, { htu: tokenUrl }, now())}`;
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: two }), 400, 'invalid_dpop_proof', 'two DPoP headers');
    const hmac = await new (await import('jose')).SignJWT({ htm: 'POST', htu: tokenUrl, jti: 'x', iat: now() })
      .setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt' })
      .sign(new TextEncoder().encode('0123456789abcdef0123456789abcdef'));
    assertError(await postForm(tokenUrl, form, { ...auth, dpop: hmac }), 400, 'invalid_dpop_proof', 'symmetric alg');
  });

  it('remembers a proof only once the client has authenticated', async () => {
    const form = { grant_type: 'client_credentials' };
    const once = await proof(key, { htu: tokenUrl }, now());
    // RFC 6749 §5.2: the wrong secret fails client authentication; the proof is not spent by it.
    assertError(await postForm(tokenUrl, form, { authorization: basic('svc', 'wrong-secret'), dpop: once }), 401, 'invalid_client', 'wrong secret');
    const ok = await postForm(tokenUrl, form, { authorization: basic('svc', 'svc-secret'), dpop: once });
    assert.equal(ok.status, 200, ok.text);
    assertError(await postForm(tokenUrl, form, { authorization: basic('svc', 'svc-secret'), dpop: once }), 400, 'invalid_dpop_proof', 'replayed after use');
  });

  it('requires a proof from dpop_bound_access_tokens clients', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('bound', 'bound-secret') });
    assertError(res, 400, 'invalid_request', 'no proof');
    const ok = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('bound', 'bound-secret'), dpop: await proof(key, { htu: tokenUrl }, now()) });
    assert.equal(ok.body['token_type'], 'DPoP');
  });

  describe('code flow of a public client', () => {
    let tokens: oauth.TokenEndpointResponse;
    const client: oauth.Client = { client_id: 'spa' };

    /** Signs in with dpop_jkt = the test key; returns the callback parameters and the PKCE verifier. */
    async function authorize(): Promise<{ params: URLSearchParams; verifier: string }> {
      const verifier = oauth.generateRandomCodeVerifier();
      const url = new URL(as.authorization_endpoint!);
      url.search = new URLSearchParams({
        client_id: 'spa', redirect_uri: CB, response_type: 'code', scope: 'openid email offline_access', prompt: 'consent',
        code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', dpop_jkt: key.jkt,
      }).toString();
      const callback = await signIn(new Browser(server.url), url.href);
      return { params: oauth.validateAuthResponse(as, client, callback, oauth.expectNoState), verifier };
    }

    before(async () => {
      const { params, verifier } = await authorize();
      const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
      const res = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CB, verifier, { ...INSECURE, DPoP });
      tokens = await oauth.processAuthorizationCodeResponse(as, client, res);
    });

    it('refuses to redeem a dpop_jkt-bound code with a proof by another key, or without a proof', async () => {
      const { params, verifier } = await authorize();
      const wrong = oauth.DPoP(client, { privateKey: other.privateKey, publicKey: other.publicKey });
      const refused = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, CB, verifier, { ...INSECURE, DPoP: wrong });
      assert.equal(refused.status, 400);
      assert.equal(((await refused.json()) as { error: string }).error, 'invalid_grant');
      const second = await authorize();
      const bare = await postForm(tokenUrl, { grant_type: 'authorization_code', client_id: 'spa', code: second.params.get('code')!, redirect_uri: CB, code_verifier: second.verifier });
      assertError(bare, 400, 'invalid_grant', 'bound code without a proof');
    });

    it('issues DPoP-bound tokens that UserInfo accepts with a proof', async () => {
      assert.equal(tokens.token_type, 'dpop');
      assert.deepEqual(decodeJwt(tokens.access_token)['cnf'], { jkt: key.jkt });
      const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
      const res = await oauth.userInfoRequest(as, client, tokens.access_token, { ...INSECURE, DPoP });
      const info = await oauth.processUserInfoResponse(as, client, oauth.skipSubjectCheck, res);
      assert.equal(info['email'], ALICE.email);
    });

    it('UserInfo refuses the bound token as Bearer, without a proof, or with another key', async () => {
      const userinfo = `${server.url}/userinfo`;
      const at = tokens.access_token;
      const asBearer = await fetch(userinfo, { headers: { authorization: `Bearer ${at}` } });
      assert.equal(asBearer.status, 401);
      assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/);
      const noProof = await fetch(userinfo, { headers: { authorization: `DPoP ${at}` } });
      assert.equal(noProof.status, 401);
      assert.match(noProof.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
      const otherKey = await fetch(userinfo, { headers: { authorization: `DPoP ${at}`, dpop: await proof(other, { htm: 'GET', htu: userinfo, accessToken: at }, now()) } });
      assert.equal(otherKey.status, 401);
      assert.match(otherKey.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
      const noAth = await fetch(userinfo, { headers: { authorization: `DPoP ${at}`, dpop: await proof(key, { htm: 'GET', htu: userinfo }, now()) } });
      assert.equal(noAth.status, 401);
      const ok = await fetch(userinfo, { headers: { authorization: `DPoP ${at}`, dpop: await proof(key, { htm: 'GET', htu: userinfo, accessToken: at }, now()) } });
      assert.equal(ok.status, 200);
    });

    it('binds the public client refresh token to the key', async () => {
      const rt = tokens.refresh_token;
      assert.ok(rt);
      const none = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: rt, client_id: 'spa' });
      assertError(none, 400, 'invalid_grant', 'refresh without proof');
      const wrong = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: rt, client_id: 'spa' }, { dpop: await proof(other, { htu: tokenUrl }, now()) });
      assertError(wrong, 400, 'invalid_grant', 'refresh with another key');
      const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
      const res = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), rt, { ...INSECURE, DPoP });
      const refreshed = await oauth.processRefreshTokenResponse(as, client, res);
      assert.equal(refreshed.token_type, 'dpop');
      assert.deepEqual(decodeJwt(refreshed.access_token)['cnf'], { jkt: key.jkt });
    });
  });
});

describe('DPoP server nonces (features.dpopNonce)', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  before(async () => {
    server = await startServer({ features: { dpopNonce: true }, clients, users: [ALICE] });
    as = await discover(server);
  });
  after(() => server.close());

  it('answers a proof without a nonce with use_dpop_nonce and a DPoP-Nonce header', async () => {
    const key = await keyPair('ES256');
    const tokenUrl = `${server.url}/token`;
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('svc', 'svc-secret'), dpop: await proof(key, { htu: tokenUrl }, server.clock.now()) });
    assertError(res, 400, 'use_dpop_nonce', 'no nonce');
    const nonce = res.headers.get('dpop-nonce');
    assert.ok(nonce);
    const bad = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('svc', 'svc-secret'), dpop: await proof(key, { htu: tokenUrl, nonce: 'made-up' }, server.clock.now()) });
    assertError(bad, 400, 'use_dpop_nonce', 'unknown nonce');
    const ok = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('svc', 'svc-secret'), dpop: await proof(key, { htu: tokenUrl, nonce }, server.clock.now()) });
    assert.equal(ok.status, 200, ok.text);
    // Nonces rotate: a much later request is told to use a new one.
    server.clock.advance(3600);
    const stale = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('svc', 'svc-secret'), dpop: await proof(key, { htu: tokenUrl, nonce }, server.clock.now()) });
    assertError(stale, 400, 'use_dpop_nonce', 'rotated nonce');
    assert.notEqual(stale.headers.get('dpop-nonce'), nonce);
    server.clock.offset = 0;
  });

  it('UserInfo asks for a nonce with 401, WWW-Authenticate: DPoP error="use_dpop_nonce" and DPoP-Nonce', async () => {
    const key = await keyPair('ES256');
    const tokenUrl = `${server.url}/token`;
    const userinfo = `${server.url}/userinfo`;
    const verifier = oauth.generateRandomCodeVerifier();
    const start = `${server.url}/authorize?${new URLSearchParams({ client_id: 'spa', redirect_uri: CB, response_type: 'code', scope: 'openid email', code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })}`;
    const callback = await signIn(new Browser(server.url), start);
    const first = await postForm(tokenUrl, { grant_type: 'client_credentials' }, { authorization: basic('svc', 'svc-secret'), dpop: await proof(key, { htu: tokenUrl }, server.clock.now()) });
    const nonce = first.headers.get('dpop-nonce') ?? '';
    const form = { grant_type: 'authorization_code', client_id: 'spa', code: callback.searchParams.get('code') ?? '', redirect_uri: CB, code_verifier: verifier };
    const tokens = await postForm(tokenUrl, form, { dpop: await proof(key, { htu: tokenUrl, nonce }, server.clock.now()) });
    assert.equal(tokens.status, 200, tokens.text);
    const at = String(tokens.body['access_token']);
    const noNonce = await fetch(userinfo, { headers: { authorization: `DPoP ${at}`, dpop: await proof(key, { htm: 'GET', htu: userinfo, accessToken: at }, server.clock.now()) } });
    assert.equal(noNonce.status, 401);
    assert.match(noNonce.headers.get('www-authenticate') ?? '', /^DPoP .*error="use_dpop_nonce"/);
    const fresh = noNonce.headers.get('dpop-nonce');
    assert.ok(fresh);
    const ok = await fetch(userinfo, { headers: { authorization: `DPoP ${at}`, dpop: await proof(key, { htm: 'GET', htu: userinfo, accessToken: at, nonce: fresh }, server.clock.now()) } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { email: string }).email, ALICE.email);
  });

  it('works with oauth4webapi: use_dpop_nonce, then a retry with the nonce it was given', async () => {
    const key = await keyPair('ES256');
    const client: oauth.Client = { client_id: 'svc' };
    const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
    const request = () => oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read' }), { ...INSECURE, DPoP });
    const first = await request();
    await assert.rejects(oauth.processClientCredentialsResponse(as, client, first), (err) => oauth.isDPoPNonceError(err));
    const tokens = await oauth.processClientCredentialsResponse(as, client, await request());
    assert.equal(tokens.token_type, 'dpop');
  });
});
