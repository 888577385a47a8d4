/**
 * The rest of the admin API: signing keys, consents, sessions, initial access tokens, delivery
 * status, resources, and principals scoped to one tenant.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminToken, api, codeFlow } from './flow.ts';

const CB = 'http://127.0.0.1:5996/cb';
const FRANK = { username: 'frank', password: 'frank password 1' };

describe('admin API: keys, consents, sessions, initial access tokens, deliveries, resources', () => {
  let server: TestServer;
  let call: ReturnType<typeof api>;

  before(async () => {
    server = await startServer({
      features: { dynamicRegistration: 'initial-access-token' },
      resources: [{ identifier: 'https://api.example.com', scopes: ['read'] }],
      clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid profile', backchannel_logout_uri: 'http://127.0.0.1:5996/backchannel' }],
      users: [FRANK],
      tenants: [{ slug: 'acme' }],
    });
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    call = api(server, await adminToken(server, creds.clientId, creds.clientSecret));
  });
  after(() => server.close());

  it('lists and rotates signing keys', async () => {
    const before = await call('GET', '/tenants/default/keys');
    assert.equal(before.status, 200);
    const items = before.body['items'] as Array<{ kid: string; alg: string; status: string; public_jwk: Record<string, unknown> }>;
    const es256 = items.find((k) => k.alg === 'ES256' && k.status === 'active');
    assert.ok(es256);
    assert.equal(es256.public_jwk['d'], undefined, 'no private parts');
    const rotated = await call('POST', '/tenants/default/keys/rotate', { algs: ['ES256'] });
    assert.equal(rotated.status, 200);
    const [fresh] = rotated.body['rotated'] as Array<{ kid: string }>;
    assert.ok(fresh && fresh.kid !== es256.kid);
    const after = (await call('GET', '/tenants/default/keys')).body['items'] as Array<{ kid: string; status: string }>;
    assert.equal(after.find((k) => k.kid === es256.kid)?.status, 'retired');
    assert.equal(after.find((k) => k.kid === fresh.kid)?.status, 'active');
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> };
    assert.ok(jwks.keys.some((k) => k.kid === fresh.kid));
    const hs256 = await call('POST', '/tenants/default/keys/rotate', { algs: ['HS256'] });
    assert.equal(hs256.status, 400);
    assert.equal(hs256.body['error'], 'invalid_request');
    const retired = (await call('GET', '/tenants/default/keys?alg=ES256&status=retired')).body['items'] as Array<{ kid: string }>;
    assert.deepEqual(retired.map((k) => k.kid), [es256.kid]);
  });

  it('lists and revokes consents and sessions', async () => {
    const { claims } = await codeFlow(server.url, server.url, { clientId: 'web', secret: 'web-secret' }, CB, FRANK);
    const sub = String(claims?.sub);
    const consents = await call('GET', `/tenants/default/consents?sub=${sub}`);
    assert.deepEqual((consents.body['items'] as Array<{ client_id: string }>).map((c) => c.client_id), ['web']);
    assert.equal((await call('DELETE', `/tenants/default/consents/${sub}/web`)).status, 204);
    assert.deepEqual((await call('GET', `/tenants/default/consents?sub=${sub}`)).body['items'], []);
    const gone = await call('DELETE', `/tenants/default/consents/${sub}/web`);
    assert.equal(gone.status, 404);
    assert.equal(gone.body['error'], 'not_found');

    const sessions = await call('GET', `/tenants/default/sessions?sub=${sub}`);
    const list = sessions.body['items'] as Array<{ sid: string; sub: string }>;
    assert.equal(list.length, 1);
    assert.equal(list[0]?.sid, claims?.['sid']);
    assert.equal((await call('DELETE', `/tenants/default/sessions/${list[0]?.sid}`)).status, 204);
    assert.deepEqual((await call('GET', `/tenants/default/sessions?sub=${sub}`)).body['items'], []);
    const audit = await call('GET', `/tenants/default/audit?target_type=session`);
    assert.equal((audit.body['items'] as unknown[]).length, 1);
    // Ending the session queued a back-channel logout token for the client, visible as a delivery.
    const deliveries = await call('GET', '/tenants/default/deliveries?kind=backchannel_logout');
    const queued = deliveries.body['items'] as Array<{ client_id: string; status: string; target_url: string }>;
    assert.equal(queued.length, 1);
    assert.equal(queued[0]?.client_id, 'web');
    assert.equal(queued[0]?.target_url, 'http://127.0.0.1:5996/backchannel');
    assert.equal((deliveries.body['counts'] as Record<string, number>)['pending'], 1);
    assert.ok(!JSON.stringify(deliveries.body).includes('logout_token'), 'bodies are not shown');
    assert.equal(((await call('GET', '/tenants/default/deliveries?limit=1')).body['items'] as unknown[]).length, 1);
    for (const limit of ['0', '501', 'ten']) {
      const refused = await call('GET', `/tenants/default/deliveries?limit=${limit}`);
      assert.equal(refused.status, 400, `limit=${limit}`);
      assert.equal(refused.body['error'], 'invalid_request', `limit=${limit}`);
    }

    // A delivery that ran out of attempts can be retried.
    const outbox = server.runtime.services.storage.outbox;
    const [claimed] = await outbox.claim({ owner: 'test', nowMs: Date.now(), leaseMs: 60_000, limit: 10, breakerThreshold: 100 });
    assert.ok(claimed);
    assert.ok(await outbox.fail(claimed.id, 'test', { nowMs: Date.now(), status: 500, error: 'status 500', retryAtMs: null, breakerThreshold: 100, breakerCooldownMs: () => 1000 }));
    const failed = (await call('GET', '/tenants/default/deliveries?status=failed')).body['items'] as Array<{ id: string; last_status: number }>;
    assert.equal(failed[0]?.last_status, 500);
    assert.equal((await call('POST', `/tenants/default/deliveries/${claimed.id}/retry`)).status, 204);
    assert.equal((await call('POST', `/tenants/default/deliveries/${claimed.id}/retry`)).status, 404, 'only failed deliveries');
    assert.deepEqual((await call('GET', '/tenants/default/deliveries?status=failed')).body['items'], []);
  });

  it('mints initial access tokens that work at the registration endpoint until revoked', async () => {
    const minted = await call('POST', '/tenants/default/initial-access-tokens', { label: 'partner', expires_in: 3600 });
    assert.equal(minted.status, 201);
    const token = String(minted.body['token']);
    const register = () =>
      fetch(`${server.url}/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ redirect_uris: [CB] }) });
    assert.equal((await register()).status, 201);
    const listed = await call('GET', '/tenants/default/initial-access-tokens');
    assert.ok(!JSON.stringify(listed.body).includes(token), 'listed without the token');
    assert.equal((await call('DELETE', `/tenants/default/initial-access-tokens/${String(minted.body['id'])}`)).status, 204);
    assert.equal((await register()).status, 401);
    const log = await call('GET', `/tenants/default/audit?action=registration.create`);
    assert.equal((log.body['items'] as Array<{ actor: string }>)[0]?.actor, `initial-access-token:${String(minted.body['id'])}`);
    // Tokens are per tenant.
    const elsewhere = await fetch(`${server.url}/t/acme/register`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ redirect_uris: [CB] }) });
    assert.equal(elsewhere.status, 401);
  });

  it('reports delivery status and resources', async () => {
    const deliveries = await call('GET', '/tenants/default/deliveries?status=failed');
    assert.equal(deliveries.status, 200);
    assert.deepEqual(deliveries.body['items'], []);
    const lost = await call('GET', '/tenants/default/deliveries?status=lost');
    assert.equal(lost.status, 400);
    assert.equal(lost.body['error'], 'invalid_request');
    assert.match(lost.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_request"/);
    const resources = await call('GET', '/tenants/default/resources');
    assert.deepEqual((resources.body['items'] as Array<{ identifier: string }>).map((r) => r.identifier), ['https://api.example.com']);
  });

  it('scopes principals to one tenant', async () => {
    // A tenant administrator: a user of acme, marked admin, signing in at acme's issuer.
    const client = await call('POST', '/tenants/acme/clients', { client_id: 'acme-admin-ui', redirect_uris: [CB], scope: 'openid portcullis:admin' });
    assert.equal(client.status, 201);
    const user = await call('POST', '/tenants/acme/users', { username: 'gina', password: 'gina password 1', admin: true });
    assert.equal(user.body['admin'], true);
    const { tokens } = await codeFlow(server.url, `${server.url}/t/acme`, { clientId: 'acme-admin-ui', secret: String(client.body['client_secret']) }, CB, { username: 'gina', password: 'gina password 1' }, 'openid portcullis:admin');
    const asGina = api(server, tokens.access_token);
    assert.equal((await asGina('GET', '/tenants/acme/clients')).status, 200);
    const forbidden = await asGina('GET', '/tenants/default/clients');
    assert.equal(forbidden.status, 403);
    assert.equal(forbidden.body['error'], 'insufficient_scope');
    assert.match(forbidden.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="insufficient_scope"/);
    assert.deepEqual(((await asGina('GET', '/tenants')).body['items'] as Array<{ slug: string }>).map((t) => t.slug), ['acme']);
    assert.equal((await asGina('POST', '/tenants', { slug: 'sneaky' })).status, 403);
    const wholeLog = await asGina('GET', '/audit');
    assert.equal(wholeLog.status, 403);
    assert.equal(wholeLog.body['error'], 'insufficient_scope');
    assert.match(wholeLog.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="insufficient_scope"/);

    // A default-tenant client limited to acme by `portcullis:admin:acme`.
    const scoped = await call('POST', '/tenants/default/clients', { client_id: 'acme-ops', grant_types: ['client_credentials'], scope: 'portcullis:admin:acme' });
    const opsToken = await adminToken(server, 'acme-ops', String(scoped.body['client_secret']));
    const asOps = api(server, opsToken);
    assert.equal((await asOps('GET', '/tenants/acme/users')).status, 200);
    assert.equal((await asOps('GET', '/tenants/default/users')).status, 403);

    // Revoking admin rights takes effect at once.
    await call('PATCH', `/tenants/acme/users/${String(user.body['sub'])}`, { admin: false });
    assert.equal((await asGina('GET', '/tenants/acme/clients')).status, 403);
    // Deleting the client kills its tokens for the admin API.
    assert.equal((await call('DELETE', '/tenants/default/clients/acme-ops')).status, 204);
    const deleted = await asOps('GET', '/tenants/acme/users');
    assert.equal(deleted.status, 401);
    assert.equal(deleted.body['error'], 'invalid_token');
    assert.match(deleted.headers.get('www-authenticate') ?? '', /^Bearer realm="[^"]+", error="invalid_token"/);
  });
});
