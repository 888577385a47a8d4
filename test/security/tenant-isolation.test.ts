/**
 * Tenant isolation as an attacker probes it: the default tenant and tenant `acme` both have a
 * client `web` with the same secret and a user `alice` with the same password, so nothing but
 * the tenant tells them apart. Every artefact the default tenant issues (code, refresh token,
 * JWT access tokens, device code, CIBA auth_req_id, PAR request_uri, registration
 * access token, session cookie, id_token_hint) is presented at acme's endpoints and must fail
 * there, while still working at home.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminToken, api } from '../admin/flow.ts';
import { answer, basic, postForm, postJson } from './helpers.ts';

const CB = 'http://127.0.0.1:5995/cb';
const CIBA = 'urn:openid:params:grant-type:ciba';
const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';
const ALICE = { username: 'alice', password: 'alice password 1' };

const client = () => ({
  client_id: 'web',
  client_secret: 'same-secret-everywhere',
  redirect_uris: [CB],
  post_logout_redirect_uris: [`${CB}/bye`],
  grant_types: ['authorization_code', 'refresh_token', 'password', DEVICE, CIBA],
  scope: 'openid offline_access',
  skip_consent: true,
});

describe('tenant isolation', () => {
  let server: TestServer;
  const home = () => server.url;
  const acme = () => `${server.url}/t/acme`;
  const auth = { authorization: basic('web', 'same-secret-everywhere') };

  before(async () => {
    const clients = [client()];
    server = await startServer({
      features: { passwordGrant: true, dynamicRegistration: 'open' },
      clients,
      users: [ALICE],
      tenants: [{ slug: 'acme', clients, users: [ALICE] }],
    });
  });
  after(() => server.close());

  async function passwordTokens(base: string): Promise<Record<string, unknown>> {
    const res = await postForm(`${base}/token`, { grant_type: 'password', ...ALICE, scope: 'openid offline_access' }, auth);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }

  it('refuses the other tenant\u2019s refresh and access tokens at token, userinfo, introspection and revocation', async () => {
    const tokens = await passwordTokens(home());
    const refresh = String(tokens['refresh_token']);
    const access = String(tokens['access_token']);
    const atAcme = await postForm(`${acme()}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, auth);
    assert.equal(atAcme.status, 400);
    assert.equal(atAcme.body['error'], 'invalid_grant');
    const userinfo = await fetch(`${acme()}/userinfo`, { headers: { authorization: `Bearer ${access}` } });
    assert.equal(userinfo.status, 401);
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    for (const token of [access, refresh]) {
      const introspected = await postForm(`${acme()}/introspect`, { token }, auth);
      assert.equal(introspected.status, 200);
      assert.deepEqual(introspected.body, { active: false });
    }
    // Revoking at acme changes nothing at home (RFC 7009 §2.2: 200 for an unknown token).
    assert.equal((await postForm(`${acme()}/revoke`, { token: refresh }, auth)).status, 200);
    assert.equal((await postForm(`${acme()}/revoke`, { token: access }, auth)).status, 200);
    assert.equal((await postForm(`${home()}/introspect`, { token: access }, auth)).body['active'], true);
    const stillWorks = await postForm(`${home()}/token`, { grant_type: 'refresh_token', refresh_token: refresh }, auth);
    assert.equal(stillWorks.status, 200, stillWorks.text);
  });

  it('refuses the other tenant\u2019s authorization code, and its session cookie', async () => {
    const browser = new Browser(server.url);
    const verifier = oidc.randomPKCECodeVerifier();
    const query = new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', state: 'state-1' });
    const signed = await signInThroughPages(browser, `${home()}/authorize?${query.toString()}`, CB, ALICE);
    const code = signed.callback.searchParams.get('code') ?? '';
    assert.ok(code);
    const atAcme = await postForm(`${acme()}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }, auth);
    assert.equal(atAcme.status, 400);
    assert.equal(atAcme.body['error'], 'invalid_grant');

    // The home session cookie, replayed under acme's cookie name, is no session at acme.
    const homeSession = browser.cookies.get('pc_session');
    assert.ok(homeSession, 'signed in at home');
    const none = new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CB, scope: 'openid', prompt: 'none', state: 'state-2', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const res = await fetch(`${acme()}/authorize?${none.toString()}`, { redirect: 'manual', headers: { cookie: `pc_session=${homeSession}; pc_session_acme=${homeSession}` } });
    assert.ok([302, 303].includes(res.status), `a redirect back to the client, got ${res.status}`);
    const back = new URL(res.headers.get('location') ?? '');
    assert.equal(back.searchParams.get('error'), 'login_required');
    assert.equal(back.searchParams.get('iss'), acme());
    // The code is still good at home (it was not consumed by the attempt at acme).
    const atHome = await postForm(`${home()}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier }, auth);
    assert.equal(atHome.status, 200, atHome.text);

    // A home id_token as id_token_hint at acme's end-session endpoint: no redirect.
    const logout = await fetch(`${acme()}/end_session?${new URLSearchParams({ id_token_hint: String(atHome.body['id_token']), post_logout_redirect_uri: `${CB}/bye` }).toString()}`, { redirect: 'manual' });
    assert.equal(logout.headers.get('location'), null);
    assert.ok(logout.status === 400 || logout.status === 200);
  });

  it('refuses the other tenant\u2019s device code, CIBA request and pushed request_uri', async () => {
    const device = await postForm(`${home()}/device_authorization`, { scope: 'openid' }, auth);
    assert.equal(device.status, 200, device.text);
    const polled = await postForm(`${acme()}/token`, { grant_type: DEVICE, device_code: String(device.body['device_code']) }, auth);
    assert.equal(polled.status, 400);
    assert.equal(polled.body['error'], 'invalid_grant');
    // The user code is unknown on acme's verification page.
    const page = new Browser(server.url);
    const form = await page.request(`${acme()}/device`);
    const typed = await page.submit(form, { user_code: String(device.body['user_code']) });
    assert.equal(typed.status, 400);

    const ciba = await postForm(`${home()}/backchannel_authentication`, { scope: 'openid', login_hint: 'alice' }, auth);
    assert.equal(ciba.status, 200, ciba.text);
    const cibaPoll = await postForm(`${acme()}/token`, { grant_type: CIBA, auth_req_id: String(ciba.body['auth_req_id']) }, auth);
    assert.equal(cibaPoll.status, 400);
    assert.equal(cibaPoll.body['error'], 'invalid_grant');

    const par = await postForm(`${home()}/par`, { response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }, auth);
    assert.equal(par.status, 201, par.text);
    const used = await fetch(`${acme()}/authorize?${new URLSearchParams({ client_id: 'web', request_uri: String(par.body['request_uri']) }).toString()}`, { redirect: 'manual' });
    const location = used.headers.get('location');
    if (location) assert.equal(new URL(location).searchParams.get('error'), 'invalid_request_uri');
    else assert.equal(used.status, 400);
  });

  it('refuses the other tenant\u2019s registration access token and client', async () => {
    const registered = await postJson(`${home()}/register`, { redirect_uris: [CB], client_name: 'home only' });
    assert.equal(registered.status, 201, registered.text);
    const id = String(registered.body['client_id']);
    const bearer = { authorization: `Bearer ${String(registered.body['registration_access_token'])}` };
    const read = await answer(await fetch(`${acme()}/register/${id}`, { headers: bearer }));
    assert.equal(read.status, 401);
    const removed = await answer(await fetch(`${acme()}/register/${id}`, { method: 'DELETE', headers: bearer }));
    assert.equal(removed.status, 401);
    // The client does not exist at acme: its credentials fail there.
    const cc = await postForm(`${acme()}/token`, { grant_type: 'client_credentials' }, { authorization: basic(id, String(registered.body['client_secret'])) });
    assert.equal(cc.status, 401);
    assert.equal(cc.body['error'], 'invalid_client');
    assert.equal((await answer(await fetch(`${home()}/register/${id}`, { headers: bearer }))).status, 200);
  });

  it('confines a tenant administrator to its own tenant', async () => {
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    const global = api(server, await adminToken(server, creds.clientId, creds.clientSecret));
    const made = await global('POST', '/tenants/acme/clients', { client_id: 'acme-admin', grant_types: ['client_credentials'], scope: 'portcullis:admin', token_endpoint_auth_method: 'client_secret_basic' });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const issued = await postForm(`${acme()}/token`, { grant_type: 'client_credentials', scope: 'portcullis:admin' }, { authorization: basic('acme-admin', String(made.body['client_secret'])) });
    assert.equal(issued.status, 200, issued.text);
    const tenantAdmin = api(server, String(issued.body['access_token']));
    assert.equal((await tenantAdmin('GET', '/tenants/acme/clients')).status, 200);
    for (const [method, path, body] of [
      ['GET', '/tenants/default/clients', undefined],
      ['GET', '/tenants/default/users', undefined],
      ['POST', '/tenants/default/clients', { client_id: 'planted', redirect_uris: [CB] }],
      ['POST', '/tenants', { slug: 'planted' }],
      ['POST', '/tenants/default/keys/rotate', undefined],
    ] as const) {
      const res = await tenantAdmin(method, path, body);
      assert.ok(res.status === 403 || res.status === 404, `${method} ${path}: ${res.status}`);
    }
    assert.equal((await global('GET', '/tenants/default/clients/planted')).status, 404);
    // The same client's token is no admin token at the default tenant's issuer.
    const elsewhere = await postForm(`${home()}/token`, { grant_type: 'client_credentials', scope: 'portcullis:admin' }, { authorization: basic('acme-admin', String(made.body['client_secret'])) });
    assert.equal(elsewhere.status, 401);
  });
});
