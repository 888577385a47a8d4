/**
 * Response headers an auditor checks: `Cache-Control: no-store` on every response that carries
 * a secret (token, introspection, userinfo, device authorization, PAR, CIBA, registration, admin
 * API), security headers on every page, and interaction cookies HttpOnly, SameSite and Secure
 * when the issuer is https.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adminToken, api } from '../admin/flow.ts';
import { basic, postForm, postJson, type Answer } from './helpers.ts';

const CB = 'http://127.0.0.1:5994/cb';
const CIBA = 'urn:openid:params:grant-type:ciba';

function noStore(res: Answer | { status: number; headers: Headers }, what: string, status: number): void {
  assert.equal(res.status, status, `${what}: status`);
  assert.equal(res.headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
}

function pageHeaders(headers: Headers, what: string): void {
  assert.equal(headers.get('cache-control'), 'no-store', `${what}: Cache-Control`);
  assert.equal(headers.get('x-content-type-options'), 'nosniff', `${what}: nosniff`);
  assert.equal(headers.get('referrer-policy'), 'no-referrer', `${what}: Referrer-Policy`);
  assert.match(headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/, `${what}: CSP frame-ancestors`);
  assert.match(headers.get('content-security-policy') ?? '', /default-src 'none'/, `${what}: CSP default-src`);
  assert.equal(headers.get('x-frame-options'), 'DENY', `${what}: X-Frame-Options`);
}

describe('headers on secrets, pages and cookies', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({
      features: { passwordGrant: true, dynamicRegistration: 'open', accessTokenFormat: 'opaque' },
      clients: [
        {
          client_id: 'web',
          client_secret: 'web-secret',
          redirect_uris: [CB],
          grant_types: ['authorization_code', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:device_code', CIBA],
          scope: 'openid offline_access',
        },
      ],
      users: [{ username: 'alice', password: 'alice password 1' }],
    });
  });
  after(() => server.close());

  it('sends no-store on every response that carries a credential', async () => {
    const auth = { authorization: basic('web', 'web-secret') };
    const tokens = await postForm(`${server.url}/token`, { grant_type: 'password', username: 'alice', password: 'alice password 1', scope: 'openid offline_access' }, auth);
    noStore(tokens, 'token (password)', 200);
    const refreshed = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(tokens.body['refresh_token']) }, auth);
    noStore(refreshed, 'token (refresh)', 200);
    const access = String(refreshed.body['access_token']);
    noStore(await postForm(`${server.url}/introspect`, { token: access }, auth), 'introspection', 200);
    noStore(await postForm(`${server.url}/revoke`, { token: 'unknown' }, auth), 'revocation', 200);
    const userinfo = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${access}` } });
    noStore(userinfo, 'userinfo', 200);
    noStore(await postForm(`${server.url}/device_authorization`, { scope: 'openid' }, auth), 'device authorization', 200);
    const par = await postForm(`${server.url}/par`, { response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' }, auth);
    noStore(par, 'PAR', 201);
    noStore(await postForm(`${server.url}/backchannel_authentication`, { scope: 'openid', login_hint: 'alice' }, auth), 'CIBA', 200);

    const registered = await postJson(`${server.url}/register`, { redirect_uris: [CB] });
    noStore(registered, 'registration', 201);
    const read = await fetch(String(registered.body['registration_client_uri']), { headers: { authorization: `Bearer ${String(registered.body['registration_access_token'])}` } });
    noStore(read, 'registration read', 200);

    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    const call = api(server, await adminToken(server, creds.clientId, creds.clientSecret));
    const client = await call('POST', '/tenants/default/clients', { client_id: 'admin-made', redirect_uris: [CB] });
    noStore(client, 'admin client create', 201);
    noStore(await call('POST', '/tenants/default/clients/admin-made/secret'), 'admin secret rotation', 200);
    noStore(await call('POST', '/tenants/default/initial-access-tokens', {}), 'admin initial access token', 201);
  });

  it('sends security headers on every page and HttpOnly, SameSite cookies', async () => {
    const browser = new Browser(server.url);
    const config = await oidc.discovery(new URL(server.url), 'web', 'web-secret', undefined, { execute: [oidc.allowInsecureRequests] });
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' });
    const res = await fetch(url, { redirect: 'manual' });
    const login = res.status >= 300 ? await browser.request(new URL(res.headers.get('location') ?? '', url).href) : await browser.request(url.href);
    pageHeaders(login.headers, 'login page');
    const cookies = login.headers.getSetCookie();
    assert.ok(cookies.length > 0, 'the login page sets its CSRF cookie');
    for (const c of cookies) {
      assert.match(c, /;\s*HttpOnly/i, `HttpOnly: ${c}`);
      assert.match(c, /;\s*SameSite=(Lax|Strict)/i, `SameSite: ${c}`);
      assert.doesNotMatch(c, /;\s*Secure/i, 'no Secure on a plain-http development issuer');
    }
    pageHeaders((await browser.request(`${server.url}/device`)).headers, 'device page');
    pageHeaders((await browser.request(`${server.url}/account`)).headers, 'account page');
    pageHeaders((await browser.request(`${server.url}/end_session`)).headers, 'logout confirmation');
    pageHeaders((await browser.request(`${server.url}/authorize?client_id=nobody`)).headers, 'error page');
  });
});

describe('cookies behind an https issuer', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ issuer: 'https://login.example.test', clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: ['https://rp.example.test/cb'], scope: 'openid' }] });
  });
  after(() => server.close());

  it('marks every interaction and console cookie Secure', async () => {
    const device = await fetch(`${server.url}/device`);
    const consoleLogin = await fetch(`${server.url}/admin/login`, { redirect: 'manual' });
    // The console's sign-in redirect sets the sealed sign-in cookie: never stored by a cache.
    assert.equal(consoleLogin.status, 303);
    assert.equal(consoleLogin.headers.get('cache-control'), 'no-store');
    const cookies = [...device.headers.getSetCookie(), ...consoleLogin.headers.getSetCookie()];
    assert.ok(cookies.length >= 2, 'both set a cookie');
    for (const c of cookies) {
      assert.match(c, /;\s*Secure/i, `Secure: ${c}`);
      assert.match(c, /;\s*HttpOnly/i, `HttpOnly: ${c}`);
    }
  });
});
