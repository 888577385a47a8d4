/**
 * OpenID Connect Discovery 1.0 and RFC 8414 (authorization server metadata), RFC 7517 (JWKS),
 * RFC 9728 (protected resource metadata).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import type { TestServer } from '../helpers/server.ts';
import { requirement, startConformanceServer } from './harness.ts';

describe('conformance: Discovery and metadata', () => {
  let server: TestServer;
  let doc: Record<string, unknown>;
  const get = async (path: string) => {
    const res = await fetch(`${server.url}${path}`);
    return { res, body: (await res.json()) as Record<string, unknown> };
  };

  before(async () => {
    server = await startConformanceServer({ tenants: [{ slug: 'acme' }] });
    doc = (await get('/.well-known/openid-configuration')).body;
  });
  after(() => server.close());

  requirement('OIDC Discovery', '§4.2', 'the configuration is served as 200 application/json', async () => {
    const { res } = await get('/.well-known/openid-configuration');
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  });

  requirement('OIDC Discovery', '§4.3', 'issuer is identical to the URL the configuration was fetched under', async () => {
    assert.equal(doc['issuer'], server.url);
    const tenant = await get('/t/acme/.well-known/openid-configuration');
    assert.equal(tenant.body['issuer'], `${server.url}/t/acme`);
  });

  requirement('OIDC Discovery', '§3', 'every REQUIRED metadata value is present', async () => {
    for (const key of ['issuer', 'authorization_endpoint', 'token_endpoint', 'jwks_uri', 'response_types_supported', 'subject_types_supported', 'id_token_signing_alg_values_supported']) {
      assert.ok(doc[key] !== undefined, key);
    }
  });

  requirement('OIDC Discovery', '§3', 'id_token_signing_alg_values_supported includes RS256', async () => {
    assert.ok((doc['id_token_signing_alg_values_supported'] as string[]).includes('RS256'));
  });

  requirement('OIDC Discovery', '§3', 'response_types_supported includes code, id_token and id_token token (dynamic OpenID Providers)', async () => {
    for (const type of ['code', 'id_token', 'id_token token']) assert.ok((doc['response_types_supported'] as string[]).includes(type), type);
  });

  requirement('OIDC Discovery', '§3', 'scopes_supported includes openid', async () => {
    assert.ok((doc['scopes_supported'] as string[]).includes('openid'));
  });

  requirement('RFC 8414', '§3, §3.2', 'the authorization server metadata has the same issuer and endpoints', async () => {
    const { res, body } = await get('/.well-known/oauth-authorization-server');
    assert.equal(res.status, 200);
    assert.equal(body['issuer'], doc['issuer']);
    assert.equal(body['token_endpoint'], doc['token_endpoint']);
  });

  requirement('RFC 8414', '§3.1', 'a tenant\'s metadata is served with the issuer path appended to the well-known path', async () => {
    const { res, body } = await get('/.well-known/oauth-authorization-server/t/acme');
    assert.equal(res.status, 200);
    assert.equal(body['issuer'], `${server.url}/t/acme`);
  });

  requirement('RFC 8414', '§2', 'every advertised endpoint is an absolute URL under the issuer', async () => {
    for (const [key, value] of Object.entries(doc)) {
      if (!key.endsWith('_endpoint') && key !== 'jwks_uri') continue;
      assert.ok(String(value).startsWith(`${server.url}/`), `${key}: ${String(value)}`);
    }
  });

  requirement('RFC 7517', '§5, §4.5', 'the JWKS publishes public keys only, each with a unique kid', async () => {
    const { res, body } = await get(new URL(String(doc['jwks_uri'])).pathname);
    assert.equal(res.status, 200);
    const keys = body['keys'] as Array<Record<string, unknown>>;
    assert.ok(keys.length > 0);
    const kids = keys.map((k) => k['kid']);
    assert.equal(new Set(kids).size, kids.length);
    for (const key of keys) {
      for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[secret], undefined, `${String(key['kid'])} exposes ${secret}`);
    }
  });

  requirement('RFC 9728', '§3.2', 'protected resource metadata names the resource and its authorization server', async () => {
    const { body } = await get('/.well-known/oauth-protected-resource');
    assert.equal(body['resource'], server.url);
    assert.deepEqual(body['authorization_servers'], [server.url]);
  });

  requirement('OIDC Discovery', '§4', 'an unknown tenant has no configuration', async () => {
    const res = await fetch(`${server.url}/t/no-such-tenant/.well-known/openid-configuration`);
    assert.equal(res.status, 404);
  });
});
