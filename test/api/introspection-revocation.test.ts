/**
 * Tokens for APIs: client credentials with resources and token formats, introspection (JSON
 * and JWT), revocation, and protected resource metadata — as a resource server would use them.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { startServer, type TestServer } from '../helpers/server.ts';

const API = 'https://api.example.com';
const REPORTS = 'https://reports.example.com';
const clients = [
  { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write' },
  { client_id: 'other', client_secret: 'other-secret', grant_types: ['client_credentials'], scope: 'read' },
  { client_id: 'rs', client_secret: 'rs-secret', grant_types: ['client_credentials'], scope: 'read', introspection_signed_response_alg: 'ES256' },
  { client_id: 'spa', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1:5999/cb'], scope: 'openid' },
];
const resources = [
  { identifier: API, scopes: ['read', 'write'] },
  { identifier: REPORTS, scopes: ['read'], accessTokenSigningAlg: 'ES256' },
  { identifier: 'https://opaque.example.com', scopes: ['read'], accessTokenFormat: 'opaque' },
];

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('tokens for APIs', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;

  async function post(path: string, body: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Response> {
    const form = new URLSearchParams();
    for (const [k, v] of Object.entries(body)) for (const item of [v].flat()) form.append(k, item);
    return fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });
  }
  async function clientToken(body: Record<string, string | string[]> = {}, id = 'svc', secret = `${id}-secret`): Promise<string> {
    const res = await post('/token', { grant_type: 'client_credentials', ...body }, { authorization: basic(id, secret) });
    const json = (await res.json()) as { access_token?: string; error?: string };
    assert.equal(res.status, 200, JSON.stringify(json));
    return json.access_token ?? '';
  }
  async function introspect(token: string, auth = basic('rs', 'rs-secret'), extra: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const res = await post('/introspect', { token, ...extra }, { authorization: auth });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return (await res.json()) as Record<string, unknown>;
  }

  before(async () => {
    server = await startServer({ clients, resources, tenants: [{ slug: 'acme', resources: [{ identifier: `${'http://127.0.0.1'}/acme-api`, scopes: ['x'] }] }] });
    as = await oauth.processDiscoveryResponse(new URL(server.url), await oauth.discoveryRequest(new URL(server.url), { [oauth.allowInsecureRequests]: true }));
  });
  after(() => server.close());

  it('issues RFC 9068 JWT access tokens to oauth4webapi for client credentials', async () => {
    const client: oauth.Client = { client_id: 'svc' };
    const res = await oauth.clientCredentialsGrantRequest(as, client, oauth.ClientSecretBasic('svc-secret'), new URLSearchParams({ scope: 'read', resource: API }), { [oauth.allowInsecureRequests]: true });
    const tokens = await oauth.processClientCredentialsResponse(as, client, res);
    assert.equal(tokens.token_type, 'bearer');
    assert.equal(tokens.refresh_token, undefined, 'RFC 6749 §4.4.3: no refresh token');
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(tokens.access_token, jwks, { issuer: server.url, audience: API, typ: 'at+jwt' });
    assert.equal(protectedHeader.alg, 'RS256');
    for (const claim of ['iss', 'sub', 'aud', 'exp', 'iat', 'jti', 'client_id', 'scope']) assert.ok(payload[claim] !== undefined, claim);
    assert.equal(payload.sub, 'svc');
    assert.equal(payload['scope'], 'read');
  });

  it('uses the resource\'s signing algorithm and token format', async () => {
    assert.equal(decodeProtectedHeader(await clientToken({ resource: REPORTS, scope: 'read' })).alg, 'ES256');
    const opaque = await clientToken({ resource: 'https://opaque.example.com', scope: 'read' });
    assert.match(opaque, /^pc_at_[0-9a-f]{12}[A-Za-z0-9_-]{43}$/);
    const info = await introspect(opaque);
    assert.equal(info['active'], true);
    assert.equal(info['aud'], 'https://opaque.example.com');
    assert.equal(info['client_id'], 'svc');
  });

  it('refuses unknown or malformed resources with invalid_target', async () => {
    for (const resource of ['https://unknown.example.com', 'not a uri', `${API}#frag`]) {
      const res = await post('/token', { grant_type: 'client_credentials', resource }, { authorization: basic('svc', 'svc-secret') });
      assert.equal(res.status, 400, resource);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_target');
    }
  });

  it('introspects active tokens with their claims and anything else as exactly {"active":false}', async () => {
    const token = await clientToken({ resource: API, scope: 'read write' });
    const info = await introspect(token);
    assert.equal(info['active'], true);
    assert.equal(info['scope'], 'read write');
    assert.equal(info['client_id'], 'svc');
    assert.equal(info['iss'], server.url);
    assert.equal(info['aud'], API);
    assert.equal(info['token_type'], 'Bearer');
    assert.ok(typeof info['exp'] === 'number' && typeof info['iat'] === 'number');
    for (const bad of ['garbage', `${token}x`, 'pc_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', 'pc_rt_nope']) {
      assert.deepEqual(await introspect(bad), { active: false }, bad);
    }
    server.clock.advance(7200);
    try {
      assert.deepEqual(await introspect(token), { active: false }, 'expired');
    } finally {
      server.clock.advance(-7200);
    }
  });

  it('requires client authentication for introspection', async () => {
    const token = await clientToken();
    const anonymous = await post('/introspect', { token });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_client');
    const wrong = await post('/introspect', { token }, { authorization: basic('rs', 'nope') });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
    const publicClient = await post('/introspect', { token, client_id: 'spa' });
    assert.equal(publicClient.status, 401, 'public clients cannot introspect');
    assert.equal(((await publicClient.json()) as { error: string }).error, 'invalid_client');
    const missing = await post('/introspect', {}, { authorization: basic('rs', 'rs-secret') });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
  });

  it('answers with a signed JWT when asked (RFC 9701)', async () => {
    const token = await clientToken({ resource: API });
    const res = await post('/introspect', { token }, { authorization: basic('rs', 'rs-secret'), accept: 'application/token-introspection+jwt' });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/token-introspection\+jwt/);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload, protectedHeader } = await jwtVerify(await res.text(), jwks, { issuer: server.url, audience: 'rs', typ: 'token-introspection+jwt' });
    assert.equal(protectedHeader.alg, 'ES256', 'the client\'s introspection_signed_response_alg');
    assert.ok(typeof payload.iat === 'number');
    const inner = payload['token_introspection'] as Record<string, unknown>;
    assert.equal(inner['active'], true);
    assert.equal(inner['client_id'], 'svc');
  });

  it('revokes JWT and opaque access tokens at once, and leaves other clients\' tokens alone', async () => {
    const jwt = await clientToken({ resource: API });
    const opaque = await clientToken({ resource: 'https://opaque.example.com' });
    // Another client cannot revoke them; the answer is the same 200.
    for (const token of [jwt, opaque]) {
      const res = await post('/revoke', { token }, { authorization: basic('other', 'other-secret') });
      assert.equal(res.status, 200);
      assert.equal((await introspect(token))['active'], true, 'untouched');
    }
    for (const [token, hint] of [[jwt, 'refresh_token'], [opaque, 'access_token']] as const) {
      const res = await post('/revoke', { token, token_type_hint: hint }, { authorization: basic('svc', 'svc-secret') });
      assert.equal(res.status, 200);
      assert.deepEqual(await introspect(token), { active: false });
    }
    const again = await post('/revoke', { token: jwt }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(again.status, 200, 'revoking twice is fine');
    const unknown = await post('/revoke', { token: 'never-issued' }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(unknown.status, 200);
  });

  it('rejects bad revocation requests', async () => {
    const hint = await post('/revoke', { token: 'x', token_type_hint: 'id_token' }, { authorization: basic('svc', 'svc-secret') });
    assert.equal(hint.status, 400);
    assert.equal(((await hint.json()) as { error: string }).error, 'unsupported_token_type');
    const missing = await post('/revoke', {}, { authorization: basic('svc', 'svc-secret') });
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
    const anonymous = await post('/revoke', { token: 'x' });
    assert.equal(anonymous.status, 401);
    assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_client');
    const wrong = await post('/revoke', { token: 'x' }, { authorization: basic('svc', 'nope') });
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate') ?? '', /^Basic /);
  });

  it('advertises the endpoints and publishes protected resource metadata', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['introspection_endpoint'], `${server.url}/introspect`);
    assert.equal(doc['revocation_endpoint'], `${server.url}/revoke`);
    assert.ok(!(doc['introspection_endpoint_auth_methods_supported'] as string[]).includes('none'));

    const own = (await (await fetch(`${server.url}/.well-known/oauth-protected-resource`)).json()) as Record<string, unknown>;
    assert.equal(own['resource'], server.url);
    assert.deepEqual(own['authorization_servers'], [server.url]);

    const tenant = await fetch(`${server.url}/.well-known/oauth-protected-resource/t/acme`);
    assert.equal(((await tenant.json()) as Record<string, unknown>)['resource'], `${server.url}/t/acme`);
    const asMeta = await fetch(`${server.url}/.well-known/oauth-authorization-server/t/acme`);
    assert.equal(((await asMeta.json()) as Record<string, unknown>)['issuer'], `${server.url}/t/acme`);
    const unknown = await fetch(`${server.url}/.well-known/oauth-authorization-server/t/nope`);
    assert.equal(unknown.status, 404);
    const noResource = await fetch(`${server.url}/.well-known/oauth-protected-resource/nothing-here`);
    assert.equal(noResource.status, 404);
  });
});
