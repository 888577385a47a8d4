/**
 * The resource-server helper through the example API (examples/resource-api): a real client
 * (oauth4webapi) gets DPoP-bound and bearer tokens from Portcullis and calls the API.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { createServer } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { createResourceApi } from '../../examples/resource-api/server.ts';
import { AccessTokenError, memoryReplayStore, verifyAccessToken } from '../../src/resource-server/verify-access-token.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { discover, INSECURE, keyPair, postForm, proof, type KeyPair } from './helpers.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('resource-server helper (examples/resource-api)', () => {
  let server: TestServer;
  let api: Server;
  let apiUrl: string;
  let as: oauth.AuthorizationServer;
  let key: KeyPair;
  const client: oauth.Client = { client_id: 'svc' };
  const now = () => server.clock.now();

  async function token(scope: string, dpop?: KeyPair, resource?: string): Promise<string> {
    const tokenUrl = `${server.url}/token`;
    const res = await postForm(tokenUrl, { grant_type: 'client_credentials', scope, resource: resource ?? apiUrl }, {
      authorization: basic('svc', 'svc-secret'),
      ...(dpop ? { dpop: await proof(dpop, { htu: tokenUrl }, now()) } : {}),
    });
    assert.equal(res.status, 200, res.text);
    return String(res.body['access_token']);
  }

  before(async () => {
    const port = await freePort();
    apiUrl = `http://127.0.0.1:${port}`;
    server = await startServer({
      resources: [{ identifier: apiUrl, scopes: ['read', 'write'] }, { identifier: 'https://other.example', scopes: ['read'] }],
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write' }],
    });
    api = createResourceApi({ issuer: server.url, audience: apiUrl, publicUrl: apiUrl, now: () => server.clock.now() });
    await new Promise<void>((resolve) => api.listen(port, '127.0.0.1', resolve));
    as = await discover(server);
    key = await keyPair('ES256');
  });
  after(async () => {
    await new Promise<void>((resolve) => api.close(() => resolve()));
    await server.close();
  });

  it('accepts a DPoP-bound token with a proof (oauth4webapi protectedResourceRequest)', async () => {
    const DPoP = oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey });
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read', resource: apiUrl }), { ...INSECURE, DPoP });
    const tokens = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(tokens.token_type, 'dpop');
    const call = await oauth.protectedResourceRequest(tokens.access_token, 'GET', new URL(`${apiUrl}/me`), undefined, undefined, { ...INSECURE, DPoP });
    assert.equal(call.status, 200);
    assert.deepEqual(await call.json(), { sub: 'svc', client_id: 'svc', scope: 'read', dpop_bound: true });
  });

  it('refuses a bound token as Bearer, without a proof, with a replayed proof or another key', async () => {
    const at = await token('read', key);
    const me = `${apiUrl}/me`;
    const asBearer = await fetch(me, { headers: { authorization: `Bearer ${at}` } });
    assert.equal(asBearer.status, 401);
    assert.match(asBearer.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/);
    const noProof = await fetch(me, { headers: { authorization: `DPoP ${at}` } });
    assert.equal(noProof.status, 401);
    assert.match(noProof.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
    const p = await proof(key, { htm: 'GET', htu: me, accessToken: at }, now());
    assert.equal((await fetch(me, { headers: { authorization: `DPoP ${at}`, dpop: p } })).status, 200);
    const replay = await fetch(me, { headers: { authorization: `DPoP ${at}`, dpop: p } });
    assert.equal(replay.status, 401);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_dpop_proof');
    const other = await keyPair('ES256');
    const wrong = await fetch(me, { headers: { authorization: `DPoP ${at}`, dpop: await proof(other, { htm: 'GET', htu: me, accessToken: at }, now()) } });
    assert.equal(wrong.status, 401);
    const wrongHtm = await fetch(me, { headers: { authorization: `DPoP ${at}`, dpop: await proof(key, { htm: 'POST', htu: me, accessToken: at }, now()) } });
    assert.equal(wrongHtm.status, 401);
  });

  it('accepts an unbound bearer token; challenges missing credentials; checks audience and scope', async () => {
    const me = `${apiUrl}/me`;
    const bearer = await token('read');
    const ok = await fetch(me, { headers: { authorization: `Bearer ${bearer}` } });
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as { dpop_bound: boolean }).dpop_bound, false);
    const none = await fetch(me);
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+"/);
    assert.doesNotMatch(none.headers.get('www-authenticate') ?? '', /error=/);
    // RFC 9449 §7.1: the DPoP scheme is offered beside Bearer, with the accepted algorithms.
    assert.match(none.headers.get('www-authenticate') ?? '', /, DPoP realm="[^"]+", algs="[^"]+"$/);
    // RFC 6750 §3.1: a malformed Authorization header is 400 invalid_request.
    const malformed = await fetch(me, { headers: { authorization: `Bearer ${bearer} extra` } });
    assert.equal(malformed.status, 400);
    assert.match(malformed.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_request"/);
    assert.equal(((await malformed.json()) as { error: string }).error, 'invalid_request');
    // RFC 9449 §7.1: a token that is not DPoP-bound, sent with the DPoP scheme, is invalid_token.
    const unboundAsDpop = await fetch(me, { headers: { authorization: `DPoP ${bearer}`, dpop: await proof(key, { htm: 'GET', htu: me, accessToken: bearer }, now()) } });
    assert.equal(unboundAsDpop.status, 401);
    assert.match(unboundAsDpop.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/);
    const otherAudience = await fetch(me, { headers: { authorization: `Bearer ${await token('read', undefined, 'https://other.example')}` } });
    assert.equal(otherAudience.status, 401);
    assert.match(otherAudience.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const writeOnly = await fetch(me, { headers: { authorization: `Bearer ${await token('write')}` } });
    assert.equal(writeOnly.status, 403);
    assert.match(writeOnly.headers.get('www-authenticate') ?? '', /error="insufficient_scope"/);
    const garbage = await fetch(me, { headers: { authorization: 'Bearer not.a.jwt' } });
    assert.equal(garbage.status, 401);
  });

  it('remembers DPoP proofs by the verifier\'s clock, not the wall clock', () => {
    const store = memoryReplayStore();
    assert.equal(store.remember('k', 1_000, 900), true);
    assert.equal(store.remember('k', 1_000, 950), false, 'replayed within its window at the injected time');
    assert.equal(store.remember('k', 2_000, 1_001), true, 'its window ended at 1000');
  });

  it('refuses a JWT access token that lacks a claim RFC 9068 §2.2 requires', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] });
    const keys = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(jwks));
    await new Promise<void>((resolve) => keys.listen(0, '127.0.0.1', resolve));
    const { port } = keys.address() as { port: number };
    const issuer = 'https://issuer.example';
    const at = (claims: Record<string, unknown>) =>
      new SignJWT({ client_id: 'svc', jti: 'j1', ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' }).setIssuer(issuer).setAudience('https://api.example').setIssuedAt(1_000).setExpirationTime(2_000).sign(privateKey);
    const verify = async (jwt: string) =>
      verifyAccessToken({ method: 'GET', url: 'https://api.example/me', headers: { authorization: `Bearer ${jwt}` } }, { issuer, audience: 'https://api.example', jwksUri: `http://127.0.0.1:${port}/jwks`, now: () => 1_500 });
    try {
      assert.equal((await verify(await at({ sub: 'alice' }))).sub, 'alice');
      await assert.rejects(verify(await at({})), (err: unknown) => err instanceof AccessTokenError && err.status === 401 && err.code === 'invalid_token');
    } finally {
      await new Promise<void>((resolve) => keys.close(() => resolve()));
    }
  });
});
