/**
 * RFC 9449 (OAuth 2.0 Demonstrating Proof of Possession): proofs at the token endpoint and at
 * UserInfo as a protected resource.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe } from 'node:test';
import { calculateJwkThumbprint, decodeJwt, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import type { TestServer } from '../helpers/server.ts';
import { Visitor, assertOAuthError, basic, CLIENTS, dpopProof, postForm, requirement, RP, startSignedIn } from './harness.ts';

interface Key {
  privateKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

async function newKey(): Promise<Key> {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

describe('conformance: RFC 9449 DPoP', () => {
  let server: TestServer;
  let visitor: Visitor;
  let key: Key;
  let tokenUrl: string;
  const now = () => server.clock.now();
  const SVC = basic('svc', 'svc-secret');
  const cc = (dpop: string | undefined, auth = SVC) => postForm(tokenUrl, { grant_type: 'client_credentials', scope: 'read' }, { authorization: auth, ...(dpop !== undefined ? { dpop } : {}) });
  const proof = (claims: Record<string, unknown> = {}, header: Record<string, unknown> = {}, k: Key = key) => dpopProof(k, { htu: tokenUrl, iat: now(), ...claims }, header);

  before(async () => {
    ({ server, visitor } = await startSignedIn({ clients: [...CLIENTS, { client_id: 'bound', client_secret: 'bound-secret', grant_types: ['client_credentials'], scope: 'read', dpop_bound_access_tokens: true }] }));
    tokenUrl = `${server.url}/token`;
    key = await newKey();
  });
  after(() => server.close());

  requirement('RFC 9449', '§5.1', 'dpop_signing_alg_values_supported is advertised', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.ok((doc['dpop_signing_alg_values_supported'] as string[]).includes('ES256'));
  });

  requirement('RFC 9449', '§5, §6.1', 'a token issued with a proof is token_type DPoP and carries cnf.jkt of the proof key', async () => {
    const res = await cc(await proof());
    assert.equal(res.status, 200, res.text);
    assert.equal(res.body['token_type'], 'DPoP');
    assert.deepEqual(decodeJwt(String(res.body['access_token']))['cnf'], { jkt: key.jkt });
  });

  requirement('RFC 9449', '§4.3 (4)', 'typ must be dpop+jwt', async () => {
    assertOAuthError(await cc(await proof({}, { typ: 'JWT' })), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§4.3 (5)', 'a symmetric or none algorithm is refused', async () => {
    const hmac = await new SignJWT({ jti: 'h1', htm: 'POST', htu: tokenUrl, iat: now() }).setProtectedHeader({ alg: 'HS256', typ: 'dpop+jwt', jwk: key.publicJwk }).sign(new Uint8Array(32));
    assertOAuthError(await cc(hmac), 400, 'invalid_dpop_proof');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'dpop+jwt', jwk: key.publicJwk })).toString('base64url');
    const body = Buffer.from(JSON.stringify({ jti: 'n1', htm: 'POST', htu: tokenUrl, iat: now() })).toString('base64url');
    assertOAuthError(await cc(`${header}.${body}.`), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§4.3 (7)', 'the jwk header must not contain a private key', async () => {
    const privateJwk = await exportJWK(key.privateKey);
    assertOAuthError(await cc(await proof({}, { jwk: privateJwk })), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§4.3 (8)', 'htm must match the request method', async () => {
    assertOAuthError(await cc(await proof({ htm: 'GET' })), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§4.3 (9)', 'htu must match the request URI (query and fragment ignored)', async () => {
    assertOAuthError(await cc(await proof({ htu: `${server.url}/userinfo` })), 400, 'invalid_dpop_proof');
    assert.equal((await cc(await proof({ htu: `${tokenUrl}?q=1#f` }))).status, 200);
  });

  requirement('RFC 9449', '§4.3 (11)', 'a proof whose iat is far from now is refused', async () => {
    assertOAuthError(await cc(await proof({ iat: now() - 3600 })), 400, 'invalid_dpop_proof');
    assertOAuthError(await cc(await proof({ iat: now() + 3600 })), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§11.1', 'a replayed proof (same jti) is refused', async () => {
    const once = await proof();
    assert.equal((await cc(once)).status, 200);
    assertOAuthError(await cc(once), 400, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§4.3 (1)', 'more than one DPoP header is refused', async () => {
    const headers = new Headers({ 'content-type': 'application/x-www-form-urlencoded', authorization: SVC });
    headers.append('dpop', await proof());
    headers.append('dpop', await proof());
    const res = await fetch(tokenUrl, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'client_credentials' }) });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_dpop_proof');
  });

  requirement('RFC 9449', '§5.2', 'a client registered with dpop_bound_access_tokens must send a proof', async () => {
    assertOAuthError(await cc(undefined, basic('bound', 'bound-secret')), 400, 'invalid_request');
  });

  requirement('RFC 9449', '§7.1', 'a DPoP-bound token is accepted at a resource with a proof carrying ath', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', ...(await redeemable()) }, { authorization: RP, dpop: await proof() });
    assert.equal(res.status, 200, res.text);
    const token = String(res.body['access_token']);
    const ath = createHash('sha256').update(token).digest('base64url');
    const info = await fetch(`${server.url}/userinfo`, { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm: 'GET', htu: `${server.url}/userinfo`, iat: now(), ath }) } });
    assert.equal(info.status, 200);
  });

  requirement('RFC 9449', '§7.1, §7.2', 'a DPoP-bound token without a matching proof, or sent as Bearer, is refused with a DPoP challenge', async () => {
    const res = await postForm(tokenUrl, { grant_type: 'authorization_code', ...(await redeemable()) }, { authorization: RP, dpop: await proof() });
    const token = String(res.body['access_token']);
    const wrongAth = await fetch(`${server.url}/userinfo`, { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, { htm: 'GET', htu: `${server.url}/userinfo`, iat: now(), ath: 'x'.repeat(43) }) } });
    assert.equal(wrongAth.status, 401);
    assert.match(wrongAth.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
    const otherKey = await fetch(`${server.url}/userinfo`, { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(await newKey(), { htm: 'GET', htu: `${server.url}/userinfo`, iat: now(), ath: createHash('sha256').update(token).digest('base64url') }) } });
    assert.equal(otherKey.status, 401);
    assert.match(otherKey.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
    const asBearer = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(asBearer.status, 401);
    // RFC 9449 §7.2: the challenge names the DPoP scheme the token needs.
    assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/);
  });

  /** A fresh code for rp (code, redirect_uri, code_verifier). */
  async function redeemable(): Promise<Record<string, string>> {
    const { code, verifier } = await visitor.code();
    return { code, redirect_uri: 'http://127.0.0.1:5999/cb', code_verifier: verifier };
  }
});
