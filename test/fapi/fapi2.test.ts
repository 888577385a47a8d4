/**
 * The FAPI 2.0 switch (`profile: "fapi2"`), per client and per tenant: PAR, PKCE S256,
 * private_key_jwt with the issuer as audience, DPoP-bound tokens, response_type code only,
 * PS256/ES256/EdDSA only, codes of at most 60 s, `iss` in responses, no refresh rotation.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT, UnsecuredJWT, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, assertAuthorizeRefused, assertError, Browser, CB, discover, INSECURE, JWT_BEARER, keyPair, postForm, proof, signIn, type KeyPair } from './helpers.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('FAPI 2.0 profile', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let clientKey: KeyPair;
  let rsaKey: KeyPair;
  let dpopKey: KeyPair;
  const client: oauth.Client = { client_id: 'fapi' };
  const now = () => server.clock.now();
  let clientAuth: oauth.ClientAuth;

  before(async () => {
    clientKey = await keyPair('PS256');
    rsaKey = await keyPair('RS256');
    dpopKey = await keyPair('ES256');
    const keys: JWK[] = [
      { ...clientKey.publicJwk, kid: 'ps', alg: 'PS256', use: 'sig' },
      { ...rsaKey.publicJwk, kid: 'rs', alg: 'RS256', use: 'sig' },
    ];
    server = await startServer({
      users: [ALICE],
      lifetimes: { code: 600 },
      clients: [
        {
          client_id: 'fapi', profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys }, redirect_uris: [CB],
          grant_types: ['authorization_code', 'refresh_token', 'implicit'], response_types: ['code', 'code id_token'], scope: 'openid email offline_access',
        },
        { client_id: 'fapi-secret', profile: 'fapi2', client_secret: 'fapi-secret-value', redirect_uris: [CB], scope: 'openid' },
        { client_id: 'fapi-none', profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys }, redirect_uris: [CB], scope: 'openid', request_object_signing_alg: 'none' },
      ],
    });
    as = await discover(server);
    clientAuth = oauth.PrivateKeyJwt({ key: clientKey.privateKey, kid: 'ps' });
  });
  after(() => server.close());

  async function pushed(extra: Record<string, string> = {}, dpop?: oauth.DPoPHandle): Promise<{ requestUri: string; verifier: string }> {
    const verifier = oauth.generateRandomCodeVerifier();
    const res = await oauth.pushedAuthorizationRequest(as, client, clientAuth, new URLSearchParams({
      redirect_uri: CB, response_type: 'code', scope: 'openid email offline_access', prompt: 'consent', state: 'fapi-state',
      code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    }), { ...INSECURE, ...(dpop ? { DPoP: dpop } : {}) });
    const { request_uri: requestUri } = await oauth.processPushedAuthorizationResponse(as, client, res);
    return { requestUri, verifier };
  }

  async function codeFor(requestUri: string): Promise<URLSearchParams> {
    const callback = await signIn(new Browser(server.url), `${server.url}/authorize?${new URLSearchParams({ client_id: 'fapi', request_uri: requestUri })}`);
    // FAPI 2.0 §5.3.1.2 / RFC 9207: iss in the authorization response.
    assert.equal(callback.searchParams.get('iss'), server.url);
    return oauth.validateAuthResponse(as, client, callback, 'fapi-state');
  }

  it('completes a sign-in: DPoP-bound tokens, PS256 ID token, no refresh rotation', async () => {
    const DPoP = oauth.DPoP(client, { privateKey: dpopKey.privateKey, publicKey: dpopKey.publicKey });
    const { requestUri, verifier } = await pushed({}, DPoP);
    const params = await codeFor(requestUri);
    const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, CB, verifier, { ...INSECURE, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, client, res, { requireIdToken: true });
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(decodeJwt(tokens.access_token)['cnf'], { jkt: dpopKey.jkt });
    assert.equal(decodeProtectedHeader(tokens.id_token ?? '').alg, 'PS256');
    assert.equal(decodeProtectedHeader(tokens.access_token).alg, 'PS256');
    const rt = tokens.refresh_token;
    assert.ok(rt);
    for (let i = 0; i < 2; i++) {
      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, clientAuth, rt, { ...INSECURE, DPoP }));
      assert.equal(refreshed.refresh_token, rt, 'FAPI 2.0: the refresh token is not rotated');
    }
  });

  it('requires PAR, PKCE and response_type code', async () => {
    const challenge = await oauth.calculatePKCECodeChallenge(oauth.generateRandomCodeVerifier());
    await assertAuthorizeRefused(server.url, `${server.url}/authorize?${new URLSearchParams({ client_id: 'fapi', redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' })}`, 'invalid_request', 'no PAR');
    const noPkce = await oauth.pushedAuthorizationRequest(as, client, clientAuth, new URLSearchParams({ redirect_uri: CB, response_type: 'code', scope: 'openid' }), INSECURE);
    assert.equal(noPkce.status, 400);
    assert.equal(((await noPkce.json()) as { error: string }).error, 'invalid_request');
    const hybrid = await oauth.pushedAuthorizationRequest(as, client, clientAuth, new URLSearchParams({ redirect_uri: CB, response_type: 'code id_token', nonce: 'n', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }), INSECURE);
    assert.equal(((await hybrid.json()) as { error: string }).error, 'unauthorized_client');
    const noRedirect = await oauth.pushedAuthorizationRequest(as, client, clientAuth, new URLSearchParams({ response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256' }), INSECURE);
    assert.equal(((await noRedirect.json()) as { error: string }).error, 'invalid_request');
  });

  it('requires DPoP at the token endpoint', async () => {
    const { requestUri, verifier } = await pushed();
    const params = await codeFor(requestUri);
    const res = await oauth.authorizationCodeGrantRequest(as, client, clientAuth, params, CB, verifier, INSECURE);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });

  it('refuses codes older than 60 seconds even when lifetimes.code is longer', async () => {
    const DPoP = oauth.DPoP(client, { privateKey: dpopKey.privateKey, publicKey: dpopKey.publicKey });
    const { requestUri, verifier } = await pushed({}, DPoP);
    const params = await codeFor(requestUri);
    server.clock.advance(61);
    try {
      const tokenUrl = `${server.url}/token`;
      const assertion = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'PS256', kid: 'ps' }).setIssuer('fapi').setSubject('fapi').setAudience(server.url).setIssuedAt(now()).setExpirationTime(now() + 60).sign(clientKey.privateKey);
      const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: params.get('code') ?? '', redirect_uri: CB, code_verifier: verifier, client_assertion_type: JWT_BEARER, client_assertion: assertion }, { dpop: await proof(dpopKey, { htu: tokenUrl }, now()) });
      assertError(res, 400, 'invalid_grant', 'code after 61 s');
    } finally {
      server.clock.advance(-61);
    }
  });

  it('accepts only private_key_jwt, with the issuer as audience and a FAPI algorithm', async () => {
    const parUrl = `${server.url}/par`;
    const form = { redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
    assertError(await postForm(parUrl, form, { authorization: basic('fapi-secret', 'fapi-secret-value') }), 401, 'invalid_client', 'client_secret_basic under FAPI');
    const assertion = (aud: string, key: KeyPair, alg: string, kid: string) =>
      new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg, kid }).setIssuer('fapi').setSubject('fapi').setAudience(aud).setIssuedAt(now()).setExpirationTime(now() + 60).sign(key.privateKey);
    assertError(await postForm(parUrl, { ...form, client_assertion_type: JWT_BEARER, client_assertion: await assertion(parUrl, clientKey, 'PS256', 'ps') }), 401, 'invalid_client', 'aud = PAR endpoint');
    assertError(await postForm(parUrl, { ...form, client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.url, rsaKey, 'RS256', 'rs') }), 401, 'invalid_client', 'RS256 assertion');
    const ok = await postForm(parUrl, { ...form, client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.url, clientKey, 'PS256', 'ps') });
    assert.equal(ok.status, 201, ok.text);
  });

  it('refuses RS256 DPoP proofs and RS256 or unsigned request objects', async () => {
    const rsaDpop = await keyPair('RS256');
    const tokenUrl = `${server.url}/token`;
    const auth = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'PS256', kid: 'ps' }).setIssuer('fapi').setSubject('fapi').setAudience(server.url).setIssuedAt(now()).setExpirationTime(now() + 60).sign(clientKey.privateKey);
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', code: 'x', client_assertion_type: JWT_BEARER, client_assertion: auth }, { dpop: await proof(rsaDpop, { htu: tokenUrl, alg: 'RS256' }, now()) });
    assertError(res, 400, 'invalid_dpop_proof', 'RS256 proof');
    const claims = { iss: 'fapi', aud: server.url, response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', nbf: now(), exp: now() + 300 };
    const rs = await new SignJWT(claims).setProtectedHeader({ alg: 'RS256', kid: 'rs' }).sign(rsaKey.privateKey);
    const push = async (request: string, clientId = 'fapi') => {
      const assertion = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'PS256', kid: 'ps' }).setIssuer(clientId).setSubject(clientId).setAudience(server.url).setIssuedAt(now()).setExpirationTime(now() + 60).sign(clientKey.privateKey);
      return postForm(`${server.url}/par`, { request, client_assertion_type: JWT_BEARER, client_assertion: assertion });
    };
    assertError(await push(rs), 400, 'invalid_request_object', 'RS256 request object');
    const unsigned = new UnsecuredJWT({ ...claims, iss: 'fapi-none' }).encode();
    assertError(await push(unsigned, 'fapi-none'), 400, 'invalid_request_object', 'alg none under FAPI');
    const ps = await new SignJWT(claims).setProtectedHeader({ alg: 'PS256', kid: 'ps' }).sign(clientKey.privateKey);
    assert.equal((await push(ps)).status, 201);
  });
});

describe('FAPI 2.0 profile for a whole tenant', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      tenants: [{ slug: 'bank', profile: 'fapi2', users: [ALICE], clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid' }] }],
    });
  });
  after(() => server.close());

  it('is advertised in the tenant discovery document and enforced for every client', async () => {
    const as = await discover(server, '/t/bank');
    assert.equal(as.require_pushed_authorization_requests, true);
    assert.deepEqual(as.dpop_signing_alg_values_supported, ['PS256', 'ES256', 'EdDSA']);
    const root = await discover(server);
    assert.equal(root.require_pushed_authorization_requests, false);
    const res = await postForm(`${server.url}/t/bank/token`, { grant_type: 'authorization_code', code: 'x' }, { authorization: basic('web', 'web-secret') });
    assertError(res, 401, 'invalid_client', 'client_secret_basic in a FAPI tenant');
  });
});
