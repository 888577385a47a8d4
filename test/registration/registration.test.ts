/**
 * Dynamic client registration (RFC 7591, OIDC Registration) and management (RFC 7592) against a
 * listening server: openid-client registers and then signs in with the credentials it got.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import * as oidc from 'openid-client';
import { codeFlow } from '../admin/flow.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE } from '../helpers/users.ts';

const CB = 'http://127.0.0.1:5998/cb';
const IAT = 'iat-0123456789abcdef0123456789abcdef';

async function post(server: TestServer, body: unknown, token?: string, path = '/register'): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
}

async function call(url: string, method: string, token?: string, body?: unknown): Promise<Response> {
  return fetch(url, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function clientCredentials(server: TestServer, clientId: string, secret: string): Promise<Response> {
  return fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}` },
    body: 'grant_type=client_credentials',
  });
}

describe('dynamic registration: open', () => {
  let server: TestServer;
  let sector: Server;
  let sectorUrl: string;
  let statementKey: CryptoKey;
  let otherKey: CryptoKey;

  before(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    statementKey = pair.privateKey;
    otherKey = (await generateKeyPair('ES256')).privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'ss1', alg: 'ES256' };
    sector = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(req.url === '/sector.json' ? [CB, 'https://app.example.com/cb'] : []));
    });
    await new Promise<void>((resolve) => sector.listen(0, '127.0.0.1', resolve));
    const address = sector.address();
    sectorUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    server = await startServer({
      features: { dynamicRegistration: 'open' },
      registration: { softwareStatementIssuers: [{ issuer: 'https://software.example.com', jwks: { keys: [jwk] } }] },
      users: [ALICE],
      tenants: [{ slug: 'acme', users: [ALICE] }],
    });
  });
  after(async () => {
    await server.close();
    sector.close();
  });

  it('advertises the registration endpoint', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['registration_endpoint'], `${server.url}/register`);
  });

  it('registers through openid-client and the new client completes a code flow', async () => {
    const registered = await oidc.dynamicClientRegistration(
      new URL(server.url),
      { redirect_uris: [CB], client_name: 'Registered App', scope: 'openid profile', grant_types: ['authorization_code', 'refresh_token'] },
      undefined,
      { execute: [oidc.allowInsecureRequests] },
    );
    const meta = registered.clientMetadata();
    assert.ok(meta.client_id);
    assert.equal(typeof meta['client_secret'], 'string');
    assert.equal(meta['token_endpoint_auth_method'], 'client_secret_basic');
    assert.equal(meta['client_secret_expires_at'], 0);
    assert.equal(typeof meta['client_id_issued_at'], 'number');
    assert.match(String(meta['registration_access_token']), /^pc_rat_/);
    assert.equal(meta['registration_client_uri'], `${server.url}/register/${meta.client_id}`);

    const { tokens, claims } = await codeFlow(server.url, server.url, { clientId: meta.client_id, secret: String(meta['client_secret']) }, CB, ALICE);
    assert.ok(tokens.access_token);
    assert.equal(claims?.aud, meta.client_id);
    assert.equal(claims?.iss, server.url);
  });

  it('registers per tenant: the client exists only at that tenant\'s issuer', async () => {
    const issuer = `${server.url}/t/acme`;
    const registered = await oidc.dynamicClientRegistration(new URL(issuer), { redirect_uris: [CB], token_endpoint_auth_method: 'none' }, undefined, { execute: [oidc.allowInsecureRequests] });
    const meta = registered.clientMetadata();
    assert.equal(meta['registration_client_uri'], `${issuer}/register/${meta.client_id}`);
    const { claims } = await codeFlow(server.url, issuer, { clientId: meta.client_id }, CB, ALICE);
    assert.equal(claims?.iss, issuer);
    const elsewhere = await call(`${server.url}/register/${meta.client_id}`, 'GET', String(meta['registration_access_token']));
    assert.equal(elsewhere.status, 401);
    assert.match(elsewhere.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    assert.equal((await call(String(meta['registration_client_uri']), 'GET', String(meta['registration_access_token']))).status, 200);
  });

  it('answers with 201, no-store, and every RFC 7591 §3.2.1 member', async () => {
    const res = await post(server, { redirect_uris: [CB], client_name: 'Raw', unknown_member: 'ignored', skip_consent: true });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as Record<string, unknown>;
    for (const m of ['client_id', 'client_secret', 'client_id_issued_at', 'client_secret_expires_at', 'registration_access_token', 'registration_client_uri']) {
      assert.ok(body[m] !== undefined, m);
    }
    assert.equal(body['unknown_member'], undefined, 'unknown metadata is ignored');
    assert.equal(body['skip_consent'], undefined, 'operator-only extensions cannot be registered');
    assert.deepEqual(body['redirect_uris'], [CB]);
    assert.deepEqual(body['grant_types'], ['authorization_code']);
    assert.equal(body['scope'], 'openid profile email address phone', 'the default scope set');
  });

  it('registers public clients without a secret', async () => {
    const res = await post(server, { redirect_uris: [CB], token_endpoint_auth_method: 'none' });
    assert.equal(res.status, 201);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body['client_secret'], undefined);
    assert.equal(body['client_secret_expires_at'], undefined);
  });

  it('reads, updates (with secret rotation) and deletes through the registration access token', async () => {
    const created = (await (await post(server, { redirect_uris: [CB], client_name: 'Managed', grant_types: ['authorization_code', 'client_credentials'], scope: 'openid' })).json()) as Record<string, unknown>;
    const other = (await (await post(server, { redirect_uris: [CB], client_name: 'Other' })).json()) as Record<string, unknown>;
    const uri = String(created['registration_client_uri']);
    const token = String(created['registration_access_token']);
    const clientId = String(created['client_id']);
    const secret = String(created['client_secret']);

    const read = await call(uri, 'GET', token);
    assert.equal(read.status, 200);
    assert.equal(read.headers.get('cache-control'), 'no-store');
    const readBody = (await read.json()) as Record<string, unknown>;
    assert.equal(readBody['client_name'], 'Managed');
    assert.equal(readBody['client_id'], clientId);
    assert.equal(readBody['client_secret'], undefined, 'the secret is shown only when issued');

    for (const [label, bad] of [['another client\'s token', String(other['registration_access_token'])], ['a made-up token', 'pc_rat_nope']] as const) {
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await call(uri, method, bad, method === 'PUT' ? { client_id: clientId, redirect_uris: [CB] } : undefined);
        assert.equal(res.status, 401, `${method} with ${label}`);
        assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
      }
    }
    const anonymous = await call(uri, 'GET');
    assert.equal(anonymous.status, 401);
    assert.match(anonymous.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
    // RFC 6750 §3.1: a request without credentials gets a challenge with no error code.
    assert.doesNotMatch(anonymous.headers.get('www-authenticate') ?? '', /error=/);

    // Full replacement: client_name changes, grant_types revert to what is sent.
    const put = await call(uri, 'PUT', token, { client_id: clientId, redirect_uris: [CB], client_name: 'Renamed', grant_types: ['authorization_code', 'client_credentials'], scope: 'openid' });
    assert.equal(put.status, 200);
    assert.equal(put.headers.get('cache-control'), 'no-store');
    const putBody = (await put.json()) as Record<string, unknown>;
    assert.equal(putBody['client_name'], 'Renamed');
    assert.equal(putBody['client_secret'], undefined, 'no rotation unless asked');
    assert.equal((await clientCredentials(server, clientId, secret)).status, 200);

    const mismatched = await call(uri, 'PUT', token, { client_id: 'someone-else', redirect_uris: [CB] });
    assert.equal(mismatched.status, 400);
    assert.equal(((await mismatched.json()) as { error: string }).error, 'invalid_request');
    const withServerMember = await call(uri, 'PUT', token, { client_id: clientId, redirect_uris: [CB], registration_access_token: token });
    assert.equal(withServerMember.status, 400);
    assert.equal(((await withServerMember.json()) as { error: string }).error, 'invalid_request');
    const badUri = await call(uri, 'PUT', token, { client_id: clientId, redirect_uris: ['https://x.example/cb#f'] });
    assert.equal(badUri.status, 400);
    assert.equal(((await badUri.json()) as { error: string }).error, 'invalid_redirect_uri');
    const unchanged = (await (await call(uri, 'GET', token)).json()) as Record<string, unknown>;
    assert.equal(unchanged['client_name'], 'Renamed', 'rejected updates change nothing');

    const rotated = await call(`${uri}?rotate_secret=true`, 'PUT', token, { client_id: clientId, client_secret: secret, redirect_uris: [CB], grant_types: ['authorization_code', 'client_credentials'], scope: 'openid' });
    assert.equal(rotated.status, 200);
    assert.equal(rotated.headers.get('cache-control'), 'no-store', 'the response carries the new secret');
    const newSecret = String(((await rotated.json()) as Record<string, unknown>)['client_secret']);
    assert.match(newSecret, /^pc_cs_/);
    assert.equal((await clientCredentials(server, clientId, secret)).status, 401, 'the old secret stops working');
    assert.equal((await clientCredentials(server, clientId, newSecret)).status, 200);

    const del = await call(uri, 'DELETE', token);
    assert.equal(del.status, 204);
    assert.equal(await del.text(), '');
    const gone = await call(uri, 'GET', token);
    assert.equal(gone.status, 401);
    assert.match(gone.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    assert.equal((await clientCredentials(server, clientId, newSecret)).status, 401);
  });

  it('refuses a fragment in a redirect URI with invalid_redirect_uri', async () => {
    for (const redirect_uris of [['https://app.example.com/cb#frag'], ['/relative'], ['http://app.example.com/cb']]) {
      const res = await post(server, { redirect_uris });
      assert.equal(res.status, 400, JSON.stringify(redirect_uris));
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, 'invalid_redirect_uri');
      assert.ok(body.error_description);
    }
    const ok = await post(server, { redirect_uris: ['com.example.app:/cb'], application_type: 'native', token_endpoint_auth_method: 'none' });
    assert.equal(ok.status, 201, 'private-use schemes for native clients');
  });

  it('refuses inconsistent metadata with invalid_client_metadata', async () => {
    const cases: Array<[string, Record<string, unknown>]> = [
      ['code without its grant', { redirect_uris: [CB], grant_types: ['implicit'], response_types: ['code'] }],
      ['id_token without implicit', { redirect_uris: [CB], grant_types: ['authorization_code'], response_types: ['code', 'id_token'] }],
      ['authorization_code without code', { redirect_uris: [CB], grant_types: ['authorization_code', 'implicit'], response_types: ['id_token'] }],
      ['response type with no redirect grant', { grant_types: ['client_credentials'], response_types: ['code'] }],
      ['jwks and jwks_uri', { redirect_uris: [CB], jwks: { keys: [] }, jwks_uri: 'https://app.example.com/jwks' }],
      ['public client_credentials', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }],
      ['private_key_jwt without keys', { redirect_uris: [CB], token_endpoint_auth_method: 'private_key_jwt' }],
      ['unknown grant type', { redirect_uris: [CB], grant_types: ['magic'] }],
      ['wrong type', { redirect_uris: [CB], client_name: 42 }],
      ['admin scope', { redirect_uris: [CB], scope: 'openid portcullis:admin' }],
      ['plain-http back-channel logout', { redirect_uris: [CB], backchannel_logout_uri: 'http://internal.example/logout' }],
      ['plain-http jwks_uri', { redirect_uris: [CB], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://internal.example/jwks' }],
    ];
    for (const [label, body] of cases) {
      const res = await post(server, body);
      assert.equal(res.status, 400, label);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_client_metadata', label);
    }
    const notObject = await post(server, ['redirect_uris']);
    assert.equal(notObject.status, 400);
    const form = await fetch(`${server.url}/register`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `redirect_uris=${encodeURIComponent(CB)}` });
    assert.equal(form.status, 400);
    assert.equal(((await form.json()) as { error: string }).error, 'invalid_client_metadata');
  });

  it('fetches and checks sector_identifier_uri', async () => {
    const good = await post(server, { redirect_uris: [CB], subject_type: 'pairwise', sector_identifier_uri: `${sectorUrl}/sector.json` });
    assert.equal(good.status, 201);
    const missing = await post(server, { redirect_uris: [CB], sector_identifier_uri: `${sectorUrl}/empty.json` });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, 'invalid_client_metadata');
  });

  it('verifies software statements against trusted issuers; their claims win', async () => {
    const sign = (key: CryptoKey, iss: string) =>
      new SignJWT({ client_name: 'From Statement', software_id: 'sw-1' }).setProtectedHeader({ alg: 'ES256', kid: 'ss1' }).setIssuer(iss).setIssuedAt().sign(key);
    const ok = await post(server, { redirect_uris: [CB], client_name: 'In The Clear', software_statement: await sign(statementKey, 'https://software.example.com') });
    assert.equal(ok.status, 201);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.equal(body['client_name'], 'From Statement');
    assert.equal(body['software_id'], 'sw-1');

    const untrusted = await post(server, { redirect_uris: [CB], software_statement: await sign(statementKey, 'https://evil.example.com') });
    assert.equal(untrusted.status, 400);
    assert.equal(((await untrusted.json()) as { error: string }).error, 'unapproved_software_statement');
    const forged = await post(server, { redirect_uris: [CB], software_statement: await sign(otherKey, 'https://software.example.com') });
    assert.equal(forged.status, 400);
    assert.equal(((await forged.json()) as { error: string }).error, 'invalid_software_statement');
    const garbage = await post(server, { redirect_uris: [CB], software_statement: 'not-a-jwt' });
    assert.equal(garbage.status, 400);
    assert.equal(((await garbage.json()) as { error: string }).error, 'invalid_software_statement');
  });

  it('records every registration action in the audit log', async () => {
    const created = (await (await post(server, { redirect_uris: [CB], client_name: 'Audited' })).json()) as Record<string, unknown>;
    const uri = String(created['registration_client_uri']);
    const token = String(created['registration_access_token']);
    await call(uri, 'PUT', token, { client_id: created['client_id'], redirect_uris: [CB], client_name: 'Audited 2' });
    await call(uri, 'DELETE', token);
    const page = await server.runtime.services.storage.audit.list('default', { targetId: String(created['client_id']) });
    assert.deepEqual(page.items.map((e) => e.action), ['registration.delete', 'registration.update', 'registration.create']);
    assert.ok(!JSON.stringify(page.items).includes(String(created['client_secret'])), 'no secrets in the audit log');
  });
});

describe('dynamic registration: initial access token', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ features: { dynamicRegistration: 'initial-access-token' }, registration: { initialAccessTokens: [IAT] } });
  });
  after(() => server.close());

  it('requires a valid initial access token (401 otherwise)', async () => {
    const none = await post(server, { redirect_uris: [CB] });
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer /);
    // RFC 6750 §3.1: no token sent, so the challenge names no error.
    assert.doesNotMatch(none.headers.get('www-authenticate') ?? '', /error=/);
    const bad = await post(server, { redirect_uris: [CB] }, 'iat-wrong-wrong-wrong-wrong');
    assert.equal(bad.status, 401);
    assert.match(bad.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    const good = await post(server, { redirect_uris: [CB] }, IAT);
    assert.equal(good.status, 201);
  });

  it('works with openid-client initialAccessToken', async () => {
    const registered = await oidc.dynamicClientRegistration(new URL(server.url), { redirect_uris: [CB] }, undefined, {
      execute: [oidc.allowInsecureRequests],
      initialAccessToken: IAT,
    });
    assert.ok(registered.clientMetadata().client_id);
  });
});

describe('dynamic registration: off', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({});
  });
  after(() => server.close());

  it('has no registration endpoint', async () => {
    const res = await post(server, { redirect_uris: [CB] });
    assert.equal(res.status, 404);
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['registration_endpoint'], undefined);
  });
});
