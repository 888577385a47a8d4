/**
 * RFC 8693 token exchange, on-behalf-of: a user signs in to a front end, the front end trades
 * the user's token for one aimed at a downstream API, and the downstream API trades it again.
 * Happy paths through openid-client; refusals as raw HTTP.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import * as oauth from 'oauth4webapi';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import type { ClientMetadata } from '../../src/domain/client.ts';
import { hashSecret } from '../../src/security/secrets.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, AT, basic, CB, exchange, GRANT, IDT, introspect, post, RT, signIn } from './fixtures.ts';

const ORDERS = 'https://orders.example.com';
const LEDGER = 'https://ledger.example.com';
const AUDIT = 'https://audit.example.com';

const clients = [
  {
    client_id: 'frontend', client_secret: 'frontend-secret', client_name: 'Front End', redirect_uris: [CB], skip_consent: true,
    grant_types: ['authorization_code', 'refresh_token', GRANT], scope: 'openid profile offline_access orders:read orders:write',
    token_exchange: { allowed_audiences: [ORDERS, 'frontend'], max_chain_depth: 2, allowed_requested_token_types: ['id_token', 'refresh_token'] },
  },
  {
    client_id: 'orders', client_secret: 'orders-secret', grant_types: ['client_credentials', GRANT], scope: 'ledger:read',
    token_exchange: { allowed_audiences: [LEDGER], max_chain_depth: 2, allowed_subject_token_types: ['access_token'] },
  },
  { client_id: 'ledger', client_secret: 'ledger-secret', grant_types: [GRANT], scope: '', token_exchange: { allowed_audiences: [AUDIT], max_chain_depth: 2 } },
  { client_id: 'broad', client_secret: 'broad-secret', grant_types: [GRANT], scope: 'orders:read extra', token_exchange: { allowed_audiences: [ORDERS], narrow_scopes_only: false } },
  { client_id: 'impersonator', client_secret: 'impersonator-secret', grant_types: [GRANT], scope: '', token_exchange: { allowed_audiences: [ORDERS], allow_delegation: false, allow_impersonation: true } },
  {
    client_id: 'narrower', client_secret: 'narrower-secret', redirect_uris: [CB], skip_consent: true,
    grant_types: ['authorization_code', 'refresh_token', GRANT], scope: 'openid orders:read orders:write',
    token_exchange: { allowed_audiences: [ORDERS], allow_delegation: false, allow_impersonation: true, allowed_requested_token_types: ['refresh_token'] },
  },
  { client_id: 'defaults', client_secret: 'defaults-secret', grant_types: [GRANT], scope: '' },
  { client_id: 'neither', client_secret: 'neither-secret', grant_types: [GRANT], scope: '', token_exchange: { allow_delegation: false } },
  { client_id: 'plain', client_secret: 'plain-secret', grant_types: ['client_credentials'], scope: '' },
  { client_id: 'public', token_endpoint_auth_method: 'none', redirect_uris: [CB], grant_types: ['authorization_code', GRANT], scope: 'openid' },
  { client_id: 'rs', client_secret: 'rs-secret', grant_types: ['client_credentials'], scope: '' },
];
const resources = [
  { identifier: ORDERS, scopes: ['orders:read', 'orders:write'] },
  { identifier: LEDGER, scopes: ['ledger:read'], accessTokenFormat: 'opaque' },
  { identifier: AUDIT, scopes: [] },
];

describe('token exchange: delegation on behalf of a user', () => {
  let server: TestServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  before(async () => {
    server = await startServer({ clients, resources, users: [ALICE] });
    jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
  });
  after(() => server.close());

  async function frontendConfig(): Promise<oidc.Configuration> {
    return oidc.discovery(new URL(server.url), 'frontend', 'frontend-secret', oidc.ClientSecretBasic('frontend-secret'), { execute: [oidc.allowInsecureRequests] });
  }

  /** The front end's exchange of the user's access token for an orders API token. */
  async function toOrders(accessToken: string, scope = 'orders:read'): Promise<string> {
    const res = await oidc.genericGrantRequest(await frontendConfig(), GRANT, { subject_token: accessToken, subject_token_type: AT, audience: ORDERS, scope });
    return res.access_token;
  }

  it('lists the grant type in discovery', async () => {
    const as = await oauth.processDiscoveryResponse(new URL(server.url), await oauth.discoveryRequest(new URL(server.url), { [oauth.allowInsecureRequests]: true }));
    assert.ok(as.grant_types_supported?.includes(GRANT));
  });

  it('exchanges the user\'s front-end token for an orders API token naming the user and, in act, the front end', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read orders:write');
    const res = await oidc.genericGrantRequest(await frontendConfig(), GRANT, { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS, scope: 'orders:read' });
    assert.equal(res['issued_token_type'], AT, 'RFC 8693 §2.2.1 issued_token_type');
    assert.equal(res.token_type.toLowerCase(), 'bearer');
    assert.equal(res.scope, 'orders:read');
    assert.equal(res.refresh_token, undefined);
    const { payload } = await jwtVerify(res.access_token, jwks, { issuer: server.url, audience: ORDERS, typ: 'at+jwt' });
    assert.equal(payload.sub, ALICE.sub);
    assert.deepEqual(payload['act'], { sub: 'frontend' });
    assert.equal(payload['client_id'], 'frontend');
    assert.equal(payload['scope'], 'orders:read');
    assert.equal(payload['may_act'], undefined);
    const info = await introspect(server, res.access_token);
    assert.equal(info['active'], true);
    assert.equal(info['sub'], ALICE.sub);
    assert.deepEqual(info['act'], { sub: 'frontend' });
  });

  it('nests act on the second hop, through an opaque token, and refuses a third beyond max_chain_depth', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const ordersToken = await toOrders(tokens.access_token);
    const hop = await exchange(server, 'orders', { subject_token: ordersToken, subject_token_type: AT, resource: LEDGER });
    assert.equal(hop.status, 200, JSON.stringify(hop.body));
    assert.equal(hop.headers.get('cache-control'), 'no-store');
    assert.equal(hop.body['issued_token_type'], AT);
    const ledgerToken = String(hop.body['access_token']);
    assert.match(ledgerToken, /^pc_at_/, 'the ledger resource uses opaque tokens');
    const info = await introspect(server, ledgerToken);
    assert.equal(info['active'], true);
    assert.equal(info['sub'], ALICE.sub);
    assert.equal(info['aud'], LEDGER);
    assert.equal(info['client_id'], 'orders');
    assert.deepEqual(info['act'], { sub: 'orders', act: { sub: 'frontend' } }, 'RFC 8693 §4.1: the prior actor nested');
    const third = await exchange(server, 'ledger', { subject_token: ledgerToken, subject_token_type: AT, audience: AUDIT });
    assert.equal(third.status, 400);
    assert.equal(third.body['error'], 'invalid_request');
    assert.match(String(third.body['error_description']), /3 actors deep/);
  });

  it('records an actor_token\'s subject as the actor', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const ordersToken = await toOrders(tokens.access_token);
    const own = await post(server, '/token', { grant_type: 'client_credentials' }, { authorization: basic('orders', 'orders-secret') });
    const res = await exchange(server, 'orders', { subject_token: ordersToken, subject_token_type: AT, actor_token: String(own.body['access_token']), actor_token_type: AT, resource: LEDGER });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.deepEqual((await introspect(server, String(res.body['access_token'])))['act'], { sub: 'orders', act: { sub: 'frontend' } });
  });

  it('refuses an audience or resource the client may not exchange for with invalid_target', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    for (const target of [{ audience: LEDGER }, { resource: LEDGER }, { audience: [ORDERS, 'somewhere-else'] }, { resource: `${ORDERS}#x` }, {}]) {
      const res = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, ...target });
      assert.equal(res.status, 400, JSON.stringify(target));
      assert.equal(res.body['error'], 'invalid_target', JSON.stringify(target));
      assert.equal(res.headers.get('cache-control'), 'no-store');
    }
  });

  it('lets a client without a policy exchange for the tenant\'s resources, issuer and clients only', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    for (const [target, aud] of [[{ resource: ORDERS }, ORDERS], [{ audience: 'orders' }, 'orders'], [{}, server.url]] as const) {
      const res = await exchange(server, 'defaults', { subject_token: tokens.access_token, subject_token_type: AT, ...target });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(decodeJwt(String(res.body['access_token'])).aud, aud);
    }
    const unknown = await exchange(server, 'defaults', { subject_token: tokens.access_token, subject_token_type: AT, audience: 'https://unknown.example.com' });
    assert.equal(unknown.body['error'], 'invalid_target');
  });

  it('refuses garbage, expired, revoked and unsupported subject tokens with invalid_request', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const cases: Array<[string, Record<string, string>]> = [
      ['garbage', { subject_token: 'garbage', subject_token_type: AT }],
      ['forged opaque', { subject_token: 'pc_at_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', subject_token_type: AT }],
      ['tampered JWT', { subject_token: `${tokens.access_token}x`, subject_token_type: AT }],
      ['unknown type', { subject_token: tokens.access_token, subject_token_type: 'urn:example:saml' }],
      ['refresh token as access token', { subject_token: String(tokens.refresh_token), subject_token_type: AT }],
      ['access token as refresh token', { subject_token: tokens.access_token, subject_token_type: RT }],
      ['access token as ID token', { subject_token: tokens.access_token, subject_token_type: IDT }],
      ['missing subject_token', { subject_token_type: AT }],
      ['missing subject_token_type', { subject_token: tokens.access_token }],
      ['actor_token_type alone', { subject_token: tokens.access_token, subject_token_type: AT, actor_token_type: AT }],
      ['actor_token alone', { subject_token: tokens.access_token, subject_token_type: AT, actor_token: tokens.access_token }],
      ['garbage actor', { subject_token: tokens.access_token, subject_token_type: AT, actor_token: 'garbage', actor_token_type: AT }],
      ['unsupported requested type', { subject_token: tokens.access_token, subject_token_type: AT, requested_token_type: 'urn:ietf:params:oauth:token-type:saml2' }],
    ];
    for (const [name, body] of cases) {
      const res = await exchange(server, 'frontend', { audience: ORDERS, ...body });
      assert.equal(res.status, 400, name);
      assert.equal(res.body['error'], 'invalid_request', name);
    }
    // orders only accepts access tokens as subject tokens.
    const idType = await exchange(server, 'orders', { subject_token: String(tokens.id_token), subject_token_type: IDT, resource: LEDGER });
    assert.equal(idType.body['error'], 'invalid_request');

    server.clock.advance(7200);
    try {
      const expired = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
      assert.equal(expired.status, 400);
      assert.equal(expired.body['error'], 'invalid_request', 'expired');
    } finally {
      server.clock.advance(-7200);
    }

    const revoke = await post(server, '/revoke', { token: tokens.access_token }, { authorization: basic('frontend', 'frontend-secret') });
    assert.equal(revoke.status, 200);
    const revoked = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
    assert.equal(revoked.status, 400);
    assert.equal(revoked.body['error'], 'invalid_request', 'revoked');
  });

  it('refuses scope widening with invalid_scope, unless the policy lets the client add its own scopes', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const widened = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS, scope: 'orders:read orders:write' });
    assert.equal(widened.status, 400);
    assert.equal(widened.body['error'], 'invalid_scope');
    const foreign = await exchange(server, 'broad', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS, scope: 'orders:read extra' });
    assert.equal(foreign.status, 200, JSON.stringify(foreign.body));
    assert.equal(foreign.body['scope'], 'orders:read extra');
    const beyond = await exchange(server, 'broad', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS, scope: 'orders:write' });
    assert.equal(beyond.body['error'], 'invalid_scope');
  });

  it('refuses clients that may not exchange with unauthorized_client, and public clients with invalid_client', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    for (const clientId of ['plain', 'neither']) {
      const res = await exchange(server, clientId, { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
      assert.equal(res.status, 400, clientId);
      assert.equal(res.body['error'], 'unauthorized_client', clientId);
    }
    const pub = await post(server, '/token', { grant_type: GRANT, client_id: 'public', subject_token: tokens.access_token, subject_token_type: AT });
    assert.equal(pub.status, 401);
    assert.equal(pub.body['error'], 'invalid_client');
  });

  it('refuses a dynamically registered client that was granted no policy', async () => {
    const now = server.clock.now();
    const metadata: ClientMetadata = { client_id: 'registered', redirect_uris: [], grant_types: [GRANT], response_types: [], token_endpoint_auth_method: 'client_secret_basic', scope: '' };
    const record = { tenantId: 'default', clientId: 'registered', secretHash: hashSecret('registered-secret'), secretEncrypted: null, registrationTokenHash: null, createdAt: now, updatedAt: now };
    await server.runtime.services.storage.clients.upsert({ ...record, metadata, source: 'registration' });
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const refused = await exchange(server, 'registered', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
    assert.equal(refused.status, 400);
    assert.equal(refused.body['error'], 'unauthorized_client');
    // Once the operator grants a policy, it may.
    await server.runtime.services.storage.clients.upsert({ ...record, metadata: { ...metadata, token_exchange: { allowed_audiences: [ORDERS] } }, source: 'registration' });
    const granted = await exchange(server, 'registered', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
    assert.equal(granted.status, 200, JSON.stringify(granted.body));
  });

  it('impersonates only where the policy allows it, keeping no new act', async () => {
    const tokens = await signIn(server, 'frontend', 'openid orders:read');
    const res = await exchange(server, 'impersonator', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const claims = decodeJwt(String(res.body['access_token']));
    assert.equal(claims.sub, ALICE.sub);
    assert.equal(claims['act'], undefined);
    const withActor = await exchange(server, 'impersonator', { subject_token: tokens.access_token, subject_token_type: AT, audience: ORDERS, actor_token: tokens.access_token, actor_token_type: AT });
    assert.equal(withActor.body['error'], 'invalid_request');
  });

  it('accepts the client\'s own refresh and ID tokens as subject tokens, and no one else\'s', async () => {
    const tokens = await signIn(server, 'frontend', 'openid offline_access orders:read');
    assert.ok(tokens.refresh_token && tokens.id_token);
    const config = await frontendConfig();
    for (const [subject_token, subject_token_type] of [[tokens.refresh_token, RT], [tokens.id_token, IDT]] as const) {
      const res = await oidc.genericGrantRequest(config, GRANT, { subject_token, subject_token_type, audience: ORDERS, scope: 'orders:read' });
      const { payload } = await jwtVerify(res.access_token, jwks, { issuer: server.url, audience: ORDERS });
      assert.equal(payload.sub, ALICE.sub, subject_token_type);
      assert.deepEqual(payload['act'], { sub: 'frontend' });
    }
    const foreignId = await exchange(server, 'broad', { subject_token: tokens.id_token, subject_token_type: IDT, audience: ORDERS });
    assert.equal(foreignId.body['error'], 'invalid_request', 'an ID token for another client');
    const foreignRt = await exchange(server, 'broad', { subject_token: tokens.refresh_token, subject_token_type: RT, audience: ORDERS });
    assert.equal(foreignRt.body['error'], 'invalid_request', 'another client\'s refresh token');
  });

  it('issues ID tokens and refresh tokens only where the policy allows', async () => {
    const tokens = await signIn(server, 'frontend', 'openid offline_access orders:read');
    const id = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, requested_token_type: IDT, audience: 'frontend' });
    assert.equal(id.status, 200, JSON.stringify(id.body));
    assert.equal(id.body['issued_token_type'], IDT);
    assert.equal(id.body['token_type'], 'N_A', 'RFC 8693 §2.2.1');
    const { payload } = await jwtVerify(String(id.body['access_token']), jwks, { issuer: server.url, audience: 'frontend' });
    assert.equal(payload.sub, ALICE.sub);
    assert.deepEqual(payload['act'], { sub: 'frontend' });
    // A refresh token would lose the act claim when used, so delegation cannot have one.
    const rt = await exchange(server, 'frontend', { subject_token: tokens.access_token, subject_token_type: AT, requested_token_type: RT, audience: ORDERS });
    assert.equal(rt.body['error'], 'invalid_request');
    const notAllowed = await exchange(server, 'orders', { subject_token: tokens.access_token, subject_token_type: AT, requested_token_type: IDT, resource: LEDGER });
    assert.equal(notAllowed.body['error'], 'invalid_request');
  });

  it('issues an impersonating client a refresh token within its own grant only', async () => {
    const tokens = await signIn(server, 'narrower', 'openid orders:read orders:write');
    const res = await exchange(server, 'narrower', { subject_token: tokens.access_token, subject_token_type: AT, requested_token_type: RT, resource: ORDERS, scope: 'orders:read' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal(res.body['issued_token_type'], RT);
    assert.equal(res.body['token_type'], 'N_A');
    const refreshToken = String(res.body['access_token']);
    assert.match(refreshToken, /^pc_rt_/);
    const refreshed = await post(server, '/token', { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basic('narrower', 'narrower-secret') });
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body['scope'], 'orders:read');
    const { payload } = await jwtVerify(String(refreshed.body['access_token']), jwks, { issuer: server.url, audience: ORDERS });
    assert.equal(payload.sub, ALICE.sub);
    assert.equal(payload['act'], undefined);
    const others = await signIn(server, 'frontend', 'openid orders:read');
    const foreign = await exchange(server, 'narrower', { subject_token: others.access_token, subject_token_type: AT, requested_token_type: RT, resource: ORDERS });
    assert.equal(foreign.body['error'], 'invalid_request', 'another client\'s grant');
  });

  it('makes exchanged tokens inactive once the original grant is revoked', async () => {
    const tokens = await signIn(server, 'frontend', 'openid offline_access orders:read');
    const ordersToken = await toOrders(tokens.access_token);
    const hop = await exchange(server, 'orders', { subject_token: ordersToken, subject_token_type: AT, resource: LEDGER });
    const ledgerToken = String(hop.body['access_token']);
    assert.equal((await introspect(server, ordersToken))['active'], true);
    assert.equal((await introspect(server, ledgerToken))['active'], true);
    // RFC 7009 §2.1: revoking the refresh token ends its grant.
    const res = await post(server, '/revoke', { token: String(tokens.refresh_token), token_type_hint: 'refresh_token' }, { authorization: basic('frontend', 'frontend-secret') });
    assert.equal(res.status, 200);
    assert.deepEqual(await introspect(server, ordersToken), { active: false });
    assert.deepEqual(await introspect(server, ledgerToken), { active: false });
    const again = await exchange(server, 'orders', { subject_token: ordersToken, subject_token_type: AT, resource: LEDGER });
    assert.equal(again.body['error'], 'invalid_request');
  });
});
