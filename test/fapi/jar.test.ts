/**
 * Request objects (RFC 9101): by value at the authorization endpoint and inside PAR, by
 * reference from a registered URL; signature, algorithm, iss, aud, exp/nbf and jti checks.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SignJWT, UnsecuredJWT, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, assertAuthorizeRefused, assertError, Browser, CB, discover, INSECURE, keyPair, postForm, signIn, type KeyPair } from './helpers.ts';

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('request objects (JAR)', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let key: KeyPair;
  let stranger: KeyPair;
  let objects: Server;
  let objectsUrl: string;
  const served = new Map<string, string>();
  const now = () => server.clock.now();
  const client: oauth.Client = { client_id: 'jar' };

  before(async () => {
    key = await keyPair('ES256');
    stranger = await keyPair('ES256');
    const port = await freePort();
    objectsUrl = `http://127.0.0.1:${port}`;
    objects = createServer((req, res) => {
      const body = served.get(req.url ?? '');
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/oauth-authz-req+jwt' }).end(body);
    });
    await new Promise<void>((resolve) => objects.listen(port, '127.0.0.1', resolve));
    const jwk: JWK = { ...key.publicJwk, kid: 'jar-1', alg: 'ES256', use: 'sig' };
    server = await startServer({
      users: [ALICE],
      clients: [
        { client_id: 'jar', client_secret: 'jar-secret', jwks: { keys: [jwk] }, redirect_uris: [CB, 'http://127.0.0.1:5999/other'], scope: 'openid profile email', request_uris: [`${objectsUrl}/ro.jwt`, `${objectsUrl}/big.jwt`] },
        { client_id: 'unsigned', client_secret: 'unsigned-secret', redirect_uris: [CB], scope: 'openid', request_object_signing_alg: 'none' },
      ],
    });
    as = await discover(server);
  });
  after(async () => {
    await server.close();
    await new Promise<void>((resolve) => objects.close(() => resolve()));
  });

  /** A signed request object; `claims` overrides (or with undefined, drops) the defaults. */
  async function requestObject(claims: Record<string, unknown> = {}, signer: KeyPair = key, alg = 'ES256'): Promise<string> {
    const base: Record<string, unknown> = {
      iss: 'jar', aud: server.url, client_id: 'jar', response_type: 'code', redirect_uri: CB, scope: 'openid email',
      state: 'inside', nbf: now(), iat: now(), exp: now() + 300, jti: randomUUID(),
    };
    const payload: Record<string, unknown> = { ...base, ...claims };
    for (const [k, v] of Object.entries(payload)) if (v === undefined) delete payload[k];
    return new SignJWT(payload).setProtectedHeader({ alg, kid: 'jar-1', typ: 'oauth-authz-req+jwt' }).sign(signer.privateKey);
  }

  const authorizeUrl = (extra: Record<string, string>) => `${server.url}/authorize?${new URLSearchParams({ client_id: 'jar', ...extra })}`;

  it('advertises request and request_uri support', () => {
    assert.equal(as.request_parameter_supported, true);
    assert.equal(as.request_uri_parameter_supported, true);
    assert.ok(as.request_object_signing_alg_values_supported?.includes('ES256'));
  });

  it('accepts a request object by value made by oauth4webapi; values inside win', async () => {
    const jwt = await oauth.issueRequestObject(as, client, new URLSearchParams({ response_type: 'code', redirect_uri: CB, scope: 'openid email', state: 'inside' }), { key: key.privateKey, kid: 'jar-1' });
    const callback = await signIn(new Browser(server.url), authorizeUrl({ request: jwt, state: 'outside', response_type: 'code', scope: 'openid' }));
    assert.equal(callback.searchParams.get('state'), 'inside');
    assert.ok(callback.searchParams.get('code'));
  });

  it('accepts a request object inside a pushed request', async () => {
    const res = await postForm(`${server.url}/par`, { client_id: 'jar', request: await requestObject({ state: 'pushed' }) }, { authorization: basic('jar', 'jar-secret') });
    assert.equal(res.status, 201, res.text);
    const callback = await signIn(new Browser(server.url), authorizeUrl({ request_uri: String(res.body['request_uri']) }));
    assert.equal(callback.searchParams.get('state'), 'pushed');
  });

  it('fetches a request object by reference from a registered request_uri', async () => {
    served.set('/ro.jwt', await requestObject({ state: 'by-reference' }));
    const callback = await signIn(new Browser(server.url), authorizeUrl({ request_uri: `${objectsUrl}/ro.jwt` }));
    assert.equal(callback.searchParams.get('state'), 'by-reference');
    await assertAuthorizeRefused(server.url, authorizeUrl({ request_uri: `${objectsUrl}/unregistered.jwt`, redirect_uri: CB, response_type: 'code', scope: 'openid' }), 'invalid_request_uri', 'unregistered request_uri');
    served.set('/big.jwt', 'x'.repeat(200 * 1024));
    await assertAuthorizeRefused(server.url, authorizeUrl({ request_uri: `${objectsUrl}/big.jwt`, redirect_uri: CB, response_type: 'code', scope: 'openid' }), 'invalid_request_uri', 'oversized request object');
  });

  describe('refuses bad request objects with invalid_request_object', () => {
    const cases: Array<[string, () => Promise<string>]> = [
      ['alg none from a client that did not register it', async () => new UnsecuredJWT({ iss: 'jar', aud: server.url, response_type: 'code', redirect_uri: CB, scope: 'openid', exp: now() + 60 }).encode()],
      ['a key the client did not register', () => requestObject({}, stranger)],
      ['a wrong aud', () => requestObject({ aud: 'https://someone-else.example' })],
      ['no aud', () => requestObject({ aud: undefined })],
      ['a stale exp', () => requestObject({ exp: now() - 120, nbf: now() - 400, iat: now() - 400 })],
      ['no exp', () => requestObject({ exp: undefined })],
      ['exp more than 60 minutes after nbf', () => requestObject({ exp: now() + 7200 })],
      ['another iss', () => requestObject({ iss: 'someone' })],
      ['a nested request_uri', () => requestObject({ request_uri: 'https://x.example/r' })],
    ];
    for (const [what, make] of cases) {
      it(`at PAR: ${what}`, async () => {
        const res = await postForm(`${server.url}/par`, { client_id: 'jar', request: await make() }, { authorization: basic('jar', 'jar-secret') });
        assertError(res, 400, 'invalid_request_object', what);
      });
      it(`at the authorization endpoint: ${what}`, async () => {
        await assertAuthorizeRefused(server.url, authorizeUrl({ request: await make(), redirect_uri: CB, response_type: 'code', scope: 'openid' }), 'invalid_request_object', what);
      });
    }

    it('a replayed jti', async () => {
      const jwt = await requestObject();
      const first = await postForm(`${server.url}/par`, { client_id: 'jar', request: jwt }, { authorization: basic('jar', 'jar-secret') });
      assert.equal(first.status, 201);
      const again = await postForm(`${server.url}/par`, { client_id: 'jar', request: jwt }, { authorization: basic('jar', 'jar-secret') });
      assertError(again, 400, 'invalid_request_object', 'replayed jti');
    });
  });

  it('sends errors of a bad object to the registered redirect_uri it names, and never to an unregistered one', async () => {
    const browser = new Browser(server.url);
    await browser.request(authorizeUrl({ request: await requestObject({ aud: 'https://someone-else.example', state: 'st-bad' }) }));
    const callback = new URL(browser.lastExternal ?? 'http://missing/');
    assert.equal(`${callback.origin}${callback.pathname}`, CB);
    assert.equal(callback.searchParams.get('error'), 'invalid_request_object');
    assert.equal(callback.searchParams.get('state'), 'st-bad');
    const evil = new Browser(server.url);
    const page = await evil.request(authorizeUrl({ request: await requestObject({ aud: 'https://someone-else.example', redirect_uri: 'https://evil.example/cb' }) }));
    assert.equal(evil.lastExternal, undefined);
    assert.equal(page.status, 400);
    assert.match(page.html, /invalid_request_object/);
  });

  it('accepts alg none only from a client that registered it', async () => {
    const jwt = new UnsecuredJWT({ iss: 'unsigned', aud: server.url, response_type: 'code', redirect_uri: CB, scope: 'openid', state: 'plain', exp: now() + 60 }).encode();
    const res = await postForm(`${server.url}/par`, { client_id: 'unsigned', request: jwt }, { authorization: basic('unsigned', 'unsigned-secret') });
    assert.equal(res.status, 201, res.text);
  });

  it('refuses request and request_uri together', async () => {
    await assertAuthorizeRefused(server.url, authorizeUrl({ request: await requestObject(), request_uri: `${objectsUrl}/ro.jwt`, redirect_uri: CB, response_type: 'code', scope: 'openid' }), 'invalid_request', 'both');
  });
});

describe('encrypted request objects (features.requestObjectEncryption)', () => {
  let server: TestServer;
  let key: KeyPair;
  before(async () => {
    key = await keyPair('ES256');
    server = await startServer({
      features: { requestObjectEncryption: true },
      clients: [{ client_id: 'jar', client_secret: 'jar-secret', jwks: { keys: [{ ...key.publicJwk, kid: 'jar-1', alg: 'ES256', use: 'sig' }] }, redirect_uris: [CB], scope: 'openid' }],
    });
  });
  after(() => server.close());

  it('publishes an encryption key and accepts a signed-then-encrypted request object', async () => {
    const as = await discover(server);
    assert.ok(as.request_object_encryption_alg_values_supported?.includes('ECDH-ES'));
    const jwks = (await (await fetch(as.jwks_uri!)).json()) as { keys: JWK[] };
    const enc = jwks.keys.find((k) => k.use === 'enc');
    assert.ok(enc && enc.kid && enc['d'] === undefined);
    const { CompactEncrypt, importJWK } = await import('jose');
    const now = server.clock.now();
    const signed = await new SignJWT({ iss: 'jar', aud: server.url, response_type: 'code', redirect_uri: CB, scope: 'openid', state: 'sealed', exp: now + 60, nbf: now })
      .setProtectedHeader({ alg: 'ES256', kid: 'jar-1' })
      .sign(key.privateKey);
    const encrypted = await new CompactEncrypt(new TextEncoder().encode(signed))
      .setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid: enc.kid, cty: 'JWT' })
      .encrypt(await importJWK(enc, 'ECDH-ES'));
    const ok = await postForm(`${server.url}/par`, { request: encrypted }, { authorization: basic('jar', 'jar-secret') });
    assert.equal(ok.status, 201, ok.text);
    const other = await (await import('jose')).generateKeyPair('ECDH-ES', { crv: 'X25519' });
    const wrong = await new CompactEncrypt(new TextEncoder().encode(signed)).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM' }).encrypt(other.publicKey);
    assertError(await postForm(`${server.url}/par`, { request: wrong }, { authorization: basic('jar', 'jar-secret') }), 400, 'invalid_request_object', 'encrypted for another key');
  });
});
