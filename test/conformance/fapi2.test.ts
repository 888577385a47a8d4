/**
 * FAPI 2.0 Security Profile, for a client registered with `profile: "fapi2"`: the requirements a
 * black-box tester can check at the PAR, authorization and token endpoints.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { TestServer } from '../helpers/server.ts';
import { signIn } from '../interop/support.ts';
import { Visitor, assertOAuthError, basic, CB, CLIENTS, dpopProof, pkce, postForm, requirement, startSignedIn } from './harness.ts';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

interface Key {
  privateKey: CryptoKey;
  publicJwk: JWK;
}
async function newKey(alg: string): Promise<Key> {
  const pair = await generateKeyPair(alg, { extractable: true });
  return { privateKey: pair.privateKey, publicJwk: await exportJWK(pair.publicKey) };
}

describe('conformance: FAPI 2.0 Security Profile', () => {
  let server: TestServer;
  let visitor: Visitor;
  let ps: Key;
  let rs: Key;
  let dpop: Key;
  const now = () => server.clock.now();
  const assertion = (aud: string, key: Key = ps, alg = 'PS256', kid = 'ps') =>
    new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg, kid }).setIssuer('fapi').setSubject('fapi').setAudience(aud).setIssuedAt(now()).setExpirationTime(now() + 60).sign(key.privateKey);
  const auth = async (aud = server.url) => ({ client_assertion_type: JWT_BEARER, client_assertion: await assertion(aud) });
  const par = async (form: Record<string, string>, credentials?: Record<string, string>) => postForm(`${server.url}/par`, { ...(credentials ?? (await auth())), ...form });

  /** PAR, sign-in and the code, for the FAPI client. */
  async function code(): Promise<{ code: string; verifier: string; iss: string | null }> {
    const { verifier, challenge } = pkce();
    const pushed = await par({ redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: challenge, code_challenge_method: 'S256', state: 'f' });
    assert.equal(pushed.status, 201, pushed.text);
    const arrival = await signIn(visitor.browser, `${server.url}/authorize?${new URLSearchParams({ client_id: 'fapi', request_uri: String(pushed.body['request_uri']) })}`);
    return { code: arrival.params.get('code') ?? '', verifier, iss: arrival.params.get('iss') };
  }
  const redeem = async (c: { code: string; verifier: string }, withProof = true) =>
    postForm(`${server.url}/token`, { grant_type: 'authorization_code', code: c.code, redirect_uri: CB, code_verifier: c.verifier, ...(await auth()) }, withProof ? { dpop: await dpopProof(dpop, { htu: `${server.url}/token`, iat: now() }) } : {});

  before(async () => {
    ps = await newKey('PS256');
    rs = await newKey('RS256');
    dpop = await newKey('ES256');
    ({ server, visitor } = await startSignedIn({
      lifetimes: { code: 600 },
      clients: [
        ...CLIENTS,
        {
          client_id: 'fapi', profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', redirect_uris: [CB], skip_consent: true, scope: 'openid', response_types: ['code', 'code id_token'], grant_types: ['authorization_code', 'implicit'],
          jwks: { keys: [{ ...ps.publicJwk, kid: 'ps', alg: 'PS256', use: 'sig' }, { ...rs.publicJwk, kid: 'rs', alg: 'RS256', use: 'sig' }] },
        },
        { client_id: 'fapi-secret', profile: 'fapi2', client_secret: 'fapi-secret-value', redirect_uris: [CB], scope: 'openid' },
      ],
    }));
  });
  after(() => server.close());

  requirement('FAPI 2.0 SP', '§5.3.1.2', 'authorization requests must be pushed (PAR)', async () => {
    const res = await fetch(visitor.url({ client_id: 'fapi', redirect_uri: CB, response_type: 'code', scope: 'openid', state: 's', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), { redirect: 'manual' });
    const location = res.headers.get('location');
    assert.ok(res.status === 400 || new URL(location ?? 'http://x/').searchParams.get('error') === 'invalid_request', `${res.status} ${location}`);
    assert.ok(!location || !new URL(location).searchParams.get('code'));
  });

  requirement('FAPI 2.0 SP', '§5.3.1.2', 'PKCE with S256 is required', async () => {
    assertOAuthError(await par({ redirect_uri: CB, response_type: 'code', scope: 'openid' }), 400, 'invalid_request');
  });

  requirement('FAPI 2.0 SP', '§5.3.1.2', 'redirect_uri is required in the pushed request', async () => {
    assertOAuthError(await par({ response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }), 400, 'invalid_request');
  });

  requirement('FAPI 2.0 SP', '§5.3.1.2', 'only response_type code is accepted', async () => {
    const res = await par({ redirect_uri: CB, response_type: 'code id_token', nonce: 'n', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' });
    assert.equal(res.status, 400, res.text);
    assert.ok(['unauthorized_client', 'unsupported_response_type', 'invalid_request'].includes(String(res.body['error'])), res.text);
  });

  requirement('FAPI 2.0 SP', '§5.3.1.2, §5.3.2.1', 'client authentication is private_key_jwt (a client secret is refused)', async () => {
    const res = await postForm(`${server.url}/par`, { redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' }, { authorization: basic('fapi-secret', 'fapi-secret-value') });
    assertOAuthError(res, 401, 'invalid_client');
  });

  requirement('FAPI 2.0 SP', '§5.3.2.1', 'the client assertion\'s audience must be the issuer', async () => {
    const form = { redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
    assertOAuthError(await par(form, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(`${server.url}/par`) }), 401, 'invalid_client');
    assert.equal((await par(form)).status, 201);
  });

  requirement('FAPI 2.0 SP', '§5.4', 'RS256 is refused; only PS256, ES256 and EdDSA', async () => {
    const form = { redirect_uri: CB, response_type: 'code', scope: 'openid', code_challenge: pkce().challenge, code_challenge_method: 'S256' };
    assertOAuthError(await par(form, { client_assertion_type: JWT_BEARER, client_assertion: await assertion(server.url, rs, 'RS256', 'rs') }), 401, 'invalid_client');
  });

  requirement('FAPI 2.0 SP', '§5.3.1.2, RFC 9207', 'the authorization response carries iss', async () => {
    assert.equal((await code()).iss, server.url);
  });

  requirement('FAPI 2.0 SP', '§5.3.2.1', 'access tokens are sender-constrained: a token request without a DPoP proof is refused', async () => {
    const res = await redeem(await code(), false);
    assert.equal(res.status, 400, res.text);
  });

  requirement('FAPI 2.0 SP', '§5.3.2.1, §5.4', 'a completed flow yields a DPoP-bound access token and a PS256 ID token', async () => {
    const res = await redeem(await code());
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body['token_type'], 'DPoP');
    assert.deepEqual(decodeJwt(String(res.body['access_token']))['cnf'], { jkt: await calculateJwkThumbprint(dpop.publicJwk) });
    assert.equal(decodeProtectedHeader(String(res.body['access_token'])).alg, 'PS256', 'the access token: PS256 in place of the default RS256');
    assert.ok(['PS256', 'ES256', 'EdDSA'].includes(String(decodeProtectedHeader(String(res.body['id_token'])).alg)));
  });

  requirement('FAPI 2.0 SP', '§5.3.2.1', 'authorization codes live at most 60 seconds', async () => {
    const c = await code();
    server.clock.advance(61);
    try {
      assertOAuthError(await redeem(c), 400, 'invalid_grant');
    } finally {
      server.clock.advance(-61);
    }
  });
});
