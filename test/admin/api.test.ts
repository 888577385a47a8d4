/**
 * The admin API driven over HTTP with tokens from Portcullis itself: the bootstrap client's
 * client_credentials token creates a tenant, a client and a user, and that user then signs in
 * to that client at the tenant's issuer with openid-client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminToken, api, codeFlow } from './flow.ts';

const CB = 'http://127.0.0.1:5997/cb';

describe('admin API', () => {
  let server: TestServer;
  let call: ReturnType<typeof api>;

  before(async () => {
    server = await startServer({
      clients: [{ client_id: 'plain', client_secret: 'plain-secret', grant_types: ['client_credentials'], scope: 'read' }],
      users: [{ username: 'carol', password: 'carol password 1' }],
    });
    const creds = server.runtime.adminCredentials;
    assert.ok(creds, 'first start creates the bootstrap administrator');
    call = api(server, await adminToken(server, creds.clientId, creds.clientSecret));
  });
  after(() => server.close());

  it('refuses requests without an admin-scoped token from Portcullis', async () => {
    const none = await api(server, undefined)('GET', '/tenants');
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer realm=/);
    // RFC 6750 §3.1: a request without credentials gets a challenge with no error code.
    assert.doesNotMatch(none.headers.get('www-authenticate') ?? '', /error=/);
    assert.equal(none.headers.get('cache-control'), 'no-store');
    const garbage = await api(server, 'not.a.token')('GET', '/tenants');
    assert.equal(garbage.status, 401);
    assert.equal(garbage.body['error'], 'invalid_token');
    assert.match(garbage.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_token"/);
    const plain = await api(server, await adminToken(server, 'plain', 'plain-secret'))('GET', '/tenants');
    assert.equal(plain.status, 403);
    assert.equal(plain.body['error'], 'insufficient_scope');
    assert.match(plain.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="insufficient_scope", scope="portcullis:admin"$/);
    // RFC 6750 §2.1: a malformed Authorization header is invalid_request.
    const malformed = await fetch(`${server.url}/admin/api/v1/tenants`, { headers: { authorization: 'Bearer two words' } });
    assert.equal(malformed.status, 400);
    assert.equal(((await malformed.json()) as { error: string }).error, 'invalid_request');
    assert.match(malformed.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_request"/);
    const ok = await call('GET', '/tenants');
    assert.equal(ok.status, 200);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
  });

  it('creates a tenant, a client and a user; the user signs in to the client at the tenant issuer', async () => {
    const tenant = await call('POST', '/tenants', { slug: 'globex', name: 'Globex' });
    assert.equal(tenant.status, 201);
    assert.equal(tenant.body['issuer'], `${server.url}/t/globex`);
    const again = await call('POST', '/tenants', { slug: 'globex' });
    assert.equal(again.status, 409);
    assert.equal(again.body['error'], 'conflict');
    for (const slug of ['default', 'Globex', '-globex', 'a'.repeat(65)]) {
      const refused = await call('POST', '/tenants', { slug });
      assert.equal(refused.status, 400, slug);
      assert.equal(refused.body['error'], 'invalid_request', slug);
    }

    const discovery = await fetch(`${server.url}/t/globex/.well-known/openid-configuration`);
    assert.equal(discovery.status, 200);
    assert.equal(((await discovery.json()) as { issuer: string }).issuer, `${server.url}/t/globex`);

    const client = await call('POST', '/tenants/globex/clients', { client_id: 'globex-web', client_name: 'Globex Web', redirect_uris: [CB], scope: 'openid profile email' });
    assert.equal(client.status, 201);
    assert.equal(client.body['token_endpoint_auth_method'], 'client_secret_basic');
    const secret = String(client.body['client_secret']);
    assert.match(secret, /^pc_cs_/);
    assert.equal(client.body['source'], 'admin');

    const user = await call('POST', '/tenants/globex/users', { username: 'dora', password: 'dora password 1', name: 'Dora', email: 'dora@globex.example' });
    assert.equal(user.status, 201);
    assert.equal(user.body['password'], undefined);
    const sub = String(user.body['sub']);

    const issuer = `${server.url}/t/globex`;
    const { tokens, claims, config } = await codeFlow(server.url, issuer, { clientId: 'globex-web', secret }, CB, { username: 'dora', password: 'dora password 1' }, 'openid profile email');
    assert.equal(claims?.iss, issuer);
    assert.equal(claims?.sub, sub);
    const info = await oidc.fetchUserInfo(config, tokens.access_token, sub);
    assert.equal(info['email'], 'dora@globex.example');
    // Disabling a user ends their sessions and revokes their grants at once.
    assert.equal(((await call('GET', `/tenants/globex/sessions?sub=${sub}`)).body['items'] as unknown[]).length, 1);
    assert.equal((await call('POST', `/tenants/globex/users/${sub}/disable`)).status, 200);
    assert.deepEqual((await call('GET', `/tenants/globex/sessions?sub=${sub}`)).body['items'], []);
    const afterDisable = await fetch(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(afterDisable.status, 401);
    assert.match(afterDisable.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    assert.equal((await call('POST', `/tenants/globex/users/${sub}/enable`)).status, 200);

    // Tenant isolation: the user does not exist in the default tenant.
    const elsewhere = await call('GET', `/tenants/default/users/${sub}`);
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body['error'], 'not_found');
    const noTenant = await call('GET', '/tenants/nowhere/users');
    assert.equal(noTenant.status, 404);
    assert.equal(noTenant.body['error'], 'not_found');
  });

  it('rotates client secrets and manages users (password reset, disable, delete)', async () => {
    const created = await call('POST', '/tenants/default/clients', { client_id: 'svc', grant_types: ['client_credentials'], scope: 'read' });
    const first = String(created.body['client_secret']);
    const rotated = await call('POST', '/tenants/default/clients/svc/secret');
    assert.equal(rotated.status, 200);
    const second = String(rotated.body['client_secret']);
    assert.notEqual(first, second);
    const cc = (secret: string) =>
      fetch(`${server.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from(`svc:${secret}`).toString('base64')}` }, body: 'grant_type=client_credentials' });
    assert.equal((await cc(first)).status, 401);
    assert.equal((await cc(second)).status, 200);
    const configClient = await call('POST', '/tenants/default/clients/plain/secret');
    assert.equal(configClient.status, 400, 'config clients are changed in the config file');
    assert.equal(configClient.body['error'], 'invalid_request');

    const u = await call('POST', '/tenants/default/users', { username: 'erin' });
    const sub = String(u.body['sub']);
    assert.equal(u.body['has_password'], false);
    const reset = await call('POST', `/tenants/default/users/${sub}/password`, {});
    assert.equal(reset.status, 200);
    assert.equal(typeof reset.body['password'], 'string');
    assert.equal(reset.body['has_password'], true);
    const disabled = await call('POST', `/tenants/default/users/${sub}/disable`);
    assert.equal(disabled.body['disabled'], true);
    assert.equal((await call('GET', `/tenants/default/users/${sub}`)).body['disabled'], true, 'stored, not only answered');
    const patched = await call('PATCH', `/tenants/default/users/${sub}`, { disabled: false, name: 'Erin' });
    assert.equal(patched.status, 200);
    assert.equal(patched.body['disabled'], false);
    assert.deepEqual(patched.body['claims'], { name: 'Erin' });
    assert.equal((await call('PATCH', `/tenants/default/users/${sub}`, { email_verified: 'yes' })).status, 400);
    assert.equal((await call('DELETE', `/tenants/default/users/${sub}`)).status, 204);
    const elsewhere = await call('GET', `/tenants/default/users/${sub}`);
    assert.equal(elsewhere.status, 404);
    assert.equal(elsewhere.body['error'], 'not_found');
    const noTenant = await call('GET', '/tenants/nowhere/users');
    assert.equal(noTenant.status, 404);
    assert.equal(noTenant.body['error'], 'not_found');
  });

  it('paginates and filters lists', async () => {
    for (let i = 0; i < 7; i++) {
      const r = await call('POST', '/tenants/default/clients', { client_id: `page-${i}`, redirect_uris: [CB], token_endpoint_auth_method: 'none' });
      assert.equal(r.status, 201);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = `?prefix=page-&limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const page = await call('GET', `/tenants/default/clients${query}`);
      assert.equal(page.status, 200);
      const items = page.body['items'] as Array<{ client_id: string }>;
      assert.ok(items.length <= 3);
      seen.push(...items.map((c) => c.client_id));
      cursor = page.body['next_cursor'] as string | null;
      pages++;
    } while (cursor);
    assert.equal(pages, 3);
    assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    const bySource = await call('GET', '/tenants/default/clients?source=config');
    assert.deepEqual((bySource.body['items'] as Array<{ client_id: string }>).map((c) => c.client_id), ['plain']);
    const badLimit = await call('GET', '/tenants/default/clients?limit=0');
    assert.equal(badLimit.status, 400);
    assert.equal(badLimit.body['error'], 'invalid_request');
    const repeated = await call('GET', '/tenants/default/clients?prefix=a&prefix=b');
    assert.equal(repeated.status, 400, 'RFC 6749 §3.1: no repeated parameters');
    assert.equal(repeated.body['error'], 'invalid_request');
    const tenants = await call('GET', '/tenants?prefix=glo');
    assert.deepEqual((tenants.body['items'] as Array<{ slug: string }>).map((t) => t.slug), ['globex']);
  });

  it('keeps an audit log of who changed what, queryable by action and target', async () => {
    const log = await call('GET', '/tenants/globex/audit');
    assert.equal(log.status, 200);
    const items = log.body['items'] as Array<{ action: string; actor: string; target_id: string; at: number }>;
    assert.deepEqual(items.map((e) => e.action).slice(-3), ['user.create', 'client.create', 'tenant.create']);
    assert.ok(items.every((e) => e.actor === 'admin-client:portcullis-admin'));
    const filtered = await call('GET', '/audit?action=client.secret_rotate');
    assert.deepEqual((filtered.body['items'] as Array<{ target_id: string }>).map((e) => e.target_id), ['svc']);
    assert.ok(!JSON.stringify(log.body).includes('pc_cs_'), 'no secrets in the log');
  });

  it('deletes a runtime tenant, which stops being served; its audit trail stays', async () => {
    const created = await call('POST', '/tenants', { slug: 'short-lived' });
    const id = String(created.body['id']);
    assert.equal((await fetch(`${server.url}/t/short-lived/.well-known/openid-configuration`)).status, 200);
    assert.equal((await call('DELETE', '/tenants/short-lived')).status, 204);
    assert.equal((await fetch(`${server.url}/t/short-lived/.well-known/openid-configuration`)).status, 404);
    assert.equal((await call('GET', `/tenants/${id}`)).status, 404);
    assert.equal((await call('DELETE', '/tenants/default')).status, 400);
    const trail = await call('GET', `/audit?target_id=${id}`);
    assert.deepEqual((trail.body['items'] as Array<{ action: string }>).map((e) => e.action), ['tenant.delete', 'tenant.create']);
  });

  it('serves its OpenAPI document', async () => {
    const res = await fetch(`${server.url}/admin/api/v1/openapi.json`);
    assert.equal(res.status, 200);
    const doc = (await res.json()) as { openapi: string; paths: Record<string, unknown>; components: { securitySchemes: Record<string, unknown>; schemas: Record<string, { properties?: Record<string, { pattern?: string; enum?: string[] }> }> } };
    assert.match(doc.openapi, /^3\./);
    assert.equal(doc.components.schemas['TenantInput']?.properties?.['slug']?.pattern, '^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$');
    assert.deepEqual(doc.components.schemas['ClientMetadata']?.properties?.['token_endpoint_auth_method']?.enum, ['client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none']);
    for (const path of ['/tenants', '/tenants/{tenant}/clients', '/tenants/{tenant}/users/{sub}/password', '/tenants/{tenant}/keys/rotate', '/audit']) assert.ok(doc.paths[path], path);
    assert.ok(doc.components.securitySchemes);
  });

  it('lets the bootstrap administrator user in through the console client, and no one else', async () => {
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    const { tokens } = await codeFlow(server.url, server.url, { clientId: 'portcullis-console' }, `${server.url}/admin/callback`, { username: creds.username, password: creds.password }, 'openid portcullis:admin');
    const asAdmin = await api(server, tokens.access_token)('GET', '/tenants');
    assert.equal(asAdmin.status, 200);
    const carol = await codeFlow(server.url, server.url, { clientId: 'portcullis-console' }, `${server.url}/admin/callback`, { username: 'carol', password: 'carol password 1' }, 'openid portcullis:admin');
    const asCarol = await api(server, carol.tokens.access_token)('GET', '/tenants');
    assert.equal(asCarol.status, 403);
  });

  it('prints the bootstrap credentials only on the first start', async () => {
    const again = await startServer({}, { dir: server.dir });
    try {
      assert.equal(again.runtime.adminCredentials, undefined);
    } finally {
      await again.close();
    }
  });
});
