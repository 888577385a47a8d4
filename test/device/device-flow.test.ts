/**
 * The device authorization grant (RFC 8628) end to end over HTTP: openid-client as the device,
 * a scripted browser on the verification pages, and raw requests for every error the token
 * endpoint and the device authorization endpoint must answer with.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true };
const USER_CODE = /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/;

const clients = [
  { client_id: 'tv', client_name: 'Living Room TV', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT, 'refresh_token'], scope: 'openid profile email offline_access' },
  { client_id: 'cli', client_secret: 'cli-secret', client_name: 'Deploy CLI', grant_types: [DEVICE_GRANT], scope: 'openid profile read' },
  { client_id: 'web', client_secret: 'web-secret', redirect_uris: ['http://127.0.0.1:5999/cb'], scope: 'openid' },
];

interface DeviceStart {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
  expires_in: number;
  interval: number;
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function post(url: string, body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
}

async function errorOf(res: Response): Promise<string> {
  const body = (await res.json()) as { error?: string };
  return body.error ?? '';
}

describe('device authorization grant', () => {
  let server: TestServer;
  let endpoint: string;
  let token: string;

  before(async () => {
    server = await startServer({ clients, users: [ALICE], tenants: [{ slug: 'acme', clients, users: [ALICE] }] });
    endpoint = `${server.url}/device_authorization`;
    token = `${server.url}/token`;
  });
  after(() => server.close());

  async function startCli(scope = 'openid profile'): Promise<DeviceStart> {
    const res = await post(endpoint, { scope }, { authorization: basic('cli', 'cli-secret') });
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as DeviceStart;
  }

  const pollCli = (deviceCode: string, auth = basic('cli', 'cli-secret')) => post(token, { grant_type: DEVICE_GRANT, device_code: deviceCode }, { authorization: auth });

  /** A person on the verification pages: enter (or confirm) the code, sign in, then allow or deny. */
  async function decide(start: DeviceStart, choice: 'allow' | 'deny', options: { complete?: boolean; typed?: string; browser?: Browser } = {}): Promise<Page> {
    const browser = options.browser ?? new Browser(server.url);
    let page = await browser.request(options.complete === false ? start.verification_uri : start.verification_uri_complete);
    assert.equal(page.status, 200);
    page = await browser.submit(page, options.typed !== undefined ? { user_code: options.typed } : {});
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) {
      page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    }
    assert.equal(page.status, 200, page.html.slice(0, 500));
    assert.ok(page.html.includes(start.user_code), 'the approval page shows the code to compare');
    return browser.submit(page, {}, { name: 'decision', value: choice });
  }

  it('is advertised in discovery', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['device_authorization_endpoint'], endpoint);
    assert.ok((doc['grant_types_supported'] as string[]).includes(DEVICE_GRANT));
  });

  it('openid-client completes the flow after a person approves on the pages; tokens are issued once', async () => {
    const config = await oidc.discovery(new URL(server.url), 'tv', undefined, oidc.None(), { execute: [oidc.allowInsecureRequests] });
    const start = await oidc.initiateDeviceAuthorization(config, { scope: 'openid profile offline_access' });
    assert.match(start.user_code, USER_CODE);
    assert.equal(start.verification_uri, `${server.url}/device`);
    assert.equal(start.verification_uri_complete, `${server.url}/device?user_code=${start.user_code}`);
    assert.equal(start.interval, 5);
    assert.equal(start.expires_in, 600);
    assert.ok(start.device_code.length >= 43, 'a high-entropy device code');

    const done = await decide(start as DeviceStart, 'allow');
    assert.equal(done.status, 200);
    assert.match(done.html, /Device connected/);

    const tokens = await oidc.pollDeviceAuthorizationGrant(config, start);
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token, 'a refresh token: the client may refresh and asked for offline_access');
    assert.equal(tokens.scope, 'openid profile offline_access');
    const claims = tokens.claims();
    assert.ok(claims);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: server.url, audience: 'tv' });
    assert.equal(typeof payload.sub, 'string');
    assert.equal(typeof payload['at_hash'], 'string');
    assert.equal(typeof payload['auth_time'], 'number');
    const info = await oidc.fetchUserInfo(config, tokens.access_token, payload.sub ?? '');
    assert.equal(info['name'], ALICE.name);

    // Single use (RFC 8628 §3.5): the same device code never yields tokens again.
    server.clock.advance(30);
    const again = await post(token, { grant_type: DEVICE_GRANT, device_code: start.device_code, client_id: 'tv' });
    assert.equal(again.status, 400);
    assert.equal(await errorOf(again), 'invalid_grant');
  });

  it('a script polling: authorization_pending, slow_down with a growing interval, then tokens', async () => {
    const start = await startCli();
    assert.match(start.user_code, USER_CODE);
    let res = await pollCli(start.device_code);
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(await errorOf(res), 'authorization_pending');
    res = await pollCli(start.device_code);
    assert.equal(await errorOf(res), 'slow_down', 'polled faster than interval');
    server.clock.advance(6);
    assert.equal(await errorOf(await pollCli(start.device_code)), 'slow_down', 'the interval grew to 10 s, and now to 15 s');
    server.clock.advance(11);
    assert.equal(await errorOf(await pollCli(start.device_code)), 'slow_down', '11 s < 15 s');
    server.clock.advance(21);
    assert.equal(await errorOf(await pollCli(start.device_code)), 'authorization_pending');

    await decide(start, 'allow', { complete: false, typed: start.user_code.toLowerCase().replace('-', ' ') });
    server.clock.advance(21);
    const ok = await pollCli(start.device_code);
    assert.equal(ok.status, 200);
    const body = (await ok.json()) as Record<string, unknown>;
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['scope'], 'openid profile');
    assert.equal(typeof body['id_token'], 'string', 'openid was asked: an ID token');
    assert.equal(body['refresh_token'], undefined, 'the client may not refresh');
  });

  it('concurrent polls after approval: exactly one gets tokens', async () => {
    const start = await startCli('read');
    await decide(start, 'allow');
    const results = await Promise.all(Array.from({ length: 8 }, () => pollCli(start.device_code)));
    const statuses = await Promise.all(results.map(async (r) => (r.status === 200 ? 'ok' : await errorOf(r))));
    assert.equal(statuses.filter((s) => s === 'ok').length, 1, statuses.join(','));
    const okIndex = statuses.indexOf('ok');
    const okBody = (await results[okIndex]?.json()) as Record<string, unknown>;
    assert.equal(okBody['id_token'], undefined, 'no openid scope, no ID token');
    assert.equal(okBody['scope'], 'read');
  });

  it('denial yields access_denied; expiry yields expired_token', async () => {
    const denied = await startCli();
    const page = await decide(denied, 'deny');
    assert.match(page.html, /Access denied/);
    let res = await pollCli(denied.device_code);
    assert.equal(res.status, 400);
    assert.equal(await errorOf(res), 'access_denied');

    const expiring = await startCli();
    server.clock.advance(601);
    res = await pollCli(expiring.device_code);
    assert.equal(res.status, 400);
    assert.equal(await errorOf(res), 'expired_token');
    // The verification page no longer knows the code.
    const browser = new Browser(server.url);
    const form = await browser.request(expiring.verification_uri_complete);
    const wrong = await browser.submit(form, {});
    assert.equal(wrong.status, 400);
    assert.match(wrong.html, /not valid or has expired/);
  });

  it('another client\'s device code is invalid_grant and leaves the code untouched', async () => {
    const start = await startCli();
    const foreign = await post(token, { grant_type: DEVICE_GRANT, device_code: start.device_code, client_id: 'tv' });
    assert.equal(foreign.status, 400);
    assert.equal(await errorOf(foreign), 'invalid_grant');
    assert.equal(await errorOf(await pollCli(start.device_code)), 'authorization_pending', 'not slow_down: the foreign poll changed nothing');
    const unknown = await pollCli('pc_dc_not-a-real-code');
    assert.equal(await errorOf(unknown), 'invalid_grant');
    const missing = await post(token, { grant_type: DEVICE_GRANT }, { authorization: basic('cli', 'cli-secret') });
    assert.equal(await errorOf(missing), 'invalid_request');
  });

  it('the device authorization endpoint rejects bad clients and scopes', async () => {
    let res = await post(endpoint, { client_id: 'nobody' });
    assert.equal(res.status, 401);
    assert.equal(await errorOf(res), 'invalid_client');
    res = await post(endpoint, {}, { authorization: basic('cli', 'wrong') });
    assert.equal(res.status, 401);
    assert.equal(await errorOf(res), 'invalid_client');
    assert.match(res.headers.get('www-authenticate') ?? '', /^Basic/);
    res = await post(endpoint, { client_id: 'cli' });
    assert.equal(res.status, 401, 'a confidential client must authenticate');
    res = await post(endpoint, { scope: 'openid admin' }, { authorization: basic('cli', 'cli-secret') });
    assert.equal(res.status, 400);
    assert.equal(await errorOf(res), 'invalid_scope');
    res = await post(endpoint, { scope: 'openid' }, { authorization: basic('web', 'web-secret') });
    assert.equal(await errorOf(res), 'unauthorized_client');
    res = await post(`${endpoint}`, { client_id: 'tv', scope: 'openid' }, {});
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const repeated = await fetch(endpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'client_id=tv&scope=openid&scope=profile' });
    assert.equal(await errorOf(repeated), 'invalid_request');
  });

  it('a client with device_code at the token endpoint but not registered for it is unauthorized_client', async () => {
    const res = await post(token, { grant_type: DEVICE_GRANT, device_code: 'x' }, { authorization: basic('web', 'web-secret') });
    assert.equal(res.status, 400);
    assert.equal(await errorOf(res), 'unauthorized_client');
  });

  it('tenants are isolated and wrong codes are rate limited on the verification page', async () => {
    const acme = `${server.url}/t/acme`;
    const res = await post(`${acme}/device_authorization`, { scope: 'openid' }, { authorization: basic('cli', 'cli-secret') });
    const start = (await res.json()) as DeviceStart;
    assert.equal(start.verification_uri, `${acme}/device`);
    // The default tenant does not know acme's code.
    const browser = new Browser(server.url);
    const form = await browser.request(`${server.url}/device?user_code=${start.user_code}`);
    assert.equal((await browser.submit(form, {})).status, 400);
    const foreign = await pollCli(start.device_code);
    assert.equal(await errorOf(foreign), 'invalid_grant');

    const acmeBrowser = new Browser(server.url);
    let page = await acmeBrowser.request(`${acme}/device`);
    let last: Page = page;
    for (let i = 0; i < 10; i++) {
      last = await acmeBrowser.submit(page, { user_code: 'BBBB-BBBB' });
      assert.equal(last.status, 400);
      page = last;
    }
    const blocked = await acmeBrowser.submit(page, { user_code: start.user_code });
    assert.equal(blocked.status, 429, 'the right code is refused too once guessing is blocked');
    // RFC 6585 §4: the 429 says how long to wait.
    assert.match(blocked.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.match(blocked.html, /Too many wrong codes/);
  });

  it('the verification page speaks the browser\'s language', async () => {
    const res = await fetch(`${server.url}/device`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.match(html, /<html lang="de">/);
    assert.match(html, /Gerät verbinden/);
    assert.match(res.headers.get('content-security-policy') ?? '', /default-src 'none'/);
  });

  it('every form is CSRF-protected', async () => {
    const start = await startCli();
    const browser = new Browser(server.url);
    const page = await browser.request(start.verification_uri_complete);
    const res = await post(`${server.url}/device`, { user_code: start.user_code, csrf_token: 'forged' }, { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') });
    assert.equal(res.status, 400);
    assert.match(await res.text(), /invalid_request/);
    assert.ok(page.html.includes('name="csrf_token"'));

    // The sign-in and decision forms check their CSRF token and sealed reference as well.
    const login = await browser.submit(page, {});
    assert.ok(parseForms(login.html, login.url).some((f) => 'password' in f.fields));
    for (const forged of [{ csrf_token: 'forged' }, { device: 'forged' }]) {
      const refused = await browser.submit(login, { username: ALICE.username, password: ALICE.password, ...forged });
      assert.equal(refused.status, 400, JSON.stringify(forged));
      assert.match(refused.html, /invalid_request/);
    }
    const consent = await browser.submit(login, { username: ALICE.username, password: ALICE.password });
    assert.ok(parseForms(consent.html, consent.url).some((f) => f.buttons.some((b) => b.value === 'allow')));
    for (const forged of [{ csrf_token: 'forged' }, { device: 'forged' }]) {
      const refused = await browser.submit(consent, forged, { name: 'decision', value: 'allow' });
      assert.equal(refused.status, 400, JSON.stringify(forged));
      assert.match(refused.html, /invalid_request/);
    }
    assert.equal(await errorOf(await pollCli(start.device_code)), 'authorization_pending', 'no refused form decided anything');
  });

  it('throttles the sign-in form: a 429 with Retry-After on the same page, never a redirect', async () => {
    const start = await startCli();
    const browser = new Browser(server.url);
    const login = await browser.submit(await browser.request(start.verification_uri_complete), {});
    for (let i = 0; i < 5; i++) {
      const wrong = await browser.submit(login, { username: 'mallory', password: `guess ${i}` });
      assert.equal(wrong.status, 401);
      assert.match(wrong.html, /Incorrect username or password/);
    }
    const blocked = await browser.submit(login, { username: 'mallory', password: 'guess 5' });
    assert.equal(blocked.status, 429);
    assert.equal(blocked.url, `${server.url}/device/login`, 'rendered where it was posted, not redirected');
    assert.match(blocked.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal(blocked.headers.get('cache-control'), 'no-store');
    assert.match(blocked.html, /Too many sign-in attempts/);
    assert.ok(parseForms(blocked.html, blocked.url).some((f) => 'password' in f.fields), 'the sign-in form is shown again');
    const missing = await browser.submit(login, { username: ALICE.username, password: '' });
    assert.equal(missing.status, 400);
    assert.match(missing.html, /Enter your username and password/);
  });
});
