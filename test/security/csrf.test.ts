/**
 * Every form is CSRF-protected and no state changes on GET: each interaction and console form
 * is posted, with the victim's cookies, as a cross-site page would (no CSRF token, or a forged
 * one): each answers 400 invalid_request and changes nothing; their paths do not act on GET.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const CB = 'http://127.0.0.1:5996/cb';
const ALICE = { username: 'alice', password: 'alice password 1' };
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** The interaction forms, with the fields a real submission would carry (apart from the token). */
const FORMS: Array<[string, Record<string, string>]> = [
  ['/login', { username: 'alice', password: 'alice password 1' }],
  ['/consent', { decision: 'allow' }],
  ['/select-account', { account: 'x' }],
  ['/device', { user_code: 'BCDF-GHJK' }],
  ['/device/login', { username: 'alice', password: 'alice password 1', device: 'x' }],
  ['/device/decision', { decision: 'allow', device: 'x' }],
  ['/ciba/login', { username: 'alice', password: 'alice password 1' }],
  ['/ciba/decision', { decision: 'allow', ciba: 'x' }],
  ['/end_session/confirm', { decision: 'logout' }],
  ['/account/sessions/end', { sid: 'x' }],
];

describe('CSRF and state-changing GETs', () => {
  let server: TestServer;
  let browser: Browser;

  before(async () => {
    server = await startServer({
      clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid', skip_consent: true }],
      users: [ALICE],
    });
    browser = new Browser(server.url);
    const query = new URLSearchParams({ client_id: 'web', response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    await signInThroughPages(browser, `${server.url}/authorize?${query.toString()}`, CB, ALICE);
  });
  after(() => server.close());

  async function post(path: string, fields: Record<string, string>, cookies: Map<string, string>): Promise<Page & { location: string | null }> {
    const res = await fetch(`${server.url}${path}`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: new URLSearchParams(fields),
    });
    return { status: res.status, url: path, html: await res.text(), headers: res.headers, location: res.headers.get('location') };
  }

  it('refuses every interaction form without the CSRF token or with a forged one', async () => {
    assert.ok(browser.cookies.get('pc_session'), 'signed in');
    assert.ok(browser.cookies.get('pc_csrf'), 'has a CSRF cookie');
    for (const [path, fields] of FORMS) {
      for (const token of [undefined, 'forged-token-value', browser.cookies.get('pc_csrf') + 'x']) {
        const res = await post(path, token === undefined ? fields : { ...fields, csrf_token: token }, browser.cookies);
        assert.equal(res.status, 400, `${path} with csrf_token=${String(token)}: ${res.html.slice(0, 200)}`);
        assert.equal(res.location, null, `${path}: no redirect`);
        assert.equal(res.headers.getSetCookie().some((c) => c.startsWith('pc_session=')), false, `${path}: the session cookie is untouched`);
      }
      // A cross-site POST carries no SameSite=Lax cookies at all: the same refusal.
      const bare = await post(path, { ...fields, csrf_token: 'forged-token-value' }, new Map());
      assert.equal(bare.status, 400, `${path} without cookies`);
    }
    // Still signed in: neither the logout nor the session-ending form acted.
    const account = await browser.request(`${server.url}/account`);
    assert.equal(account.status, 200);
    assert.ok(parseForms(account.html, account.url).some((f) => 'sid' in f.fields), 'the account page still lists the live session');
  });

  it('does not act on GET at any form path', async () => {
    for (const [path, fields] of FORMS) {
      const res = await fetch(`${server.url}${path}?${new URLSearchParams(fields).toString()}`, { redirect: 'manual', headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
      await res.text();
      assert.equal(res.headers.get('location'), null, `GET ${path}: no redirect`);
      assert.equal(res.headers.getSetCookie().some((c) => c.startsWith('pc_session=')), false, `GET ${path}: session untouched`);
    }
    const account = await browser.request(`${server.url}/account`);
    assert.ok(parseForms(account.html, account.url).some((f) => 'sid' in f.fields), 'still signed in');
  });

  it('refuses admin console forms without the session-bound CSRF token', async () => {
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    // Stops at the console's own callback, then lets the console take the code.
    const consoleCallback = `${server.url}/admin/callback`;
    const consoleBrowser = new Browser(server.url, consoleCallback);
    const { callback } = await signInThroughPages(consoleBrowser, `${server.url}/admin/login`, consoleCallback, creds);
    const page = await consoleBrowser.request(callback.href);
    const forms = parseForms(page.html, page.url);
    const logout = forms.find((f) => f.action.endsWith('/admin/logout'));
    assert.ok(logout, 'signed in to the console');
    const created = await post('/admin/tenants', { slug: 'csrf-made', name: 'CSRF' }, consoleBrowser.cookies);
    assert.equal(created.status, 400);
    const forged = await post('/admin/tenants', { slug: 'csrf-made', name: 'CSRF', csrf_token: 'forged' }, consoleBrowser.cookies);
    assert.equal(forged.status, 400);
    assert.equal((await post('/admin/logout', { csrf_token: 'forged' }, consoleBrowser.cookies)).status, 400);
    // Nothing was created, and the real token works.
    assert.equal((await fetch(`${server.url}/t/csrf-made/.well-known/openid-configuration`)).status, 404);
    const real = await post('/admin/tenants', { slug: 'csrf-made', name: 'CSRF', csrf_token: logout.fields['csrf_token'] ?? '' }, consoleBrowser.cookies);
    assert.equal(real.status, 303, real.html.slice(0, 300));
  });
});
