/**
 * Every interactive page in headless Chromium (playwright-core), driven from a real relying
 * party served by this test (openid-client behind its /login and /cb routes), with the keyboard
 * only: Tab to move, typing into the focused field, Enter to follow a link or press a button.
 * Pages: login, consent, select account, account, logout confirmation, device verification
 * (code entry, sign-in, approval), CIBA approval, and the admin console's sign-in.
 *
 * A screenshot of every page goes to E2E_ARTIFACTS (default: <tmp>/portcullis-e2e); the directory
 * is removed when every test passed (unless E2E_KEEP=1) and kept, with its path printed, when one
 * failed.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it, type TestContext } from 'node:test';
import * as oidc from 'openid-client';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { Receiver } from '../helpers/receiver.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, basic, postForm } from '../interop/support.ts';

const ARTIFACTS = process.env['E2E_ARTIFACTS'] ?? join(tmpdir(), 'portcullis-e2e');
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const CIBA_GRANT = 'urn:openid:params:grant-type:ciba';

/**
 * The relying party: `/` links to /login (sign in), /login?prompt=select_account and to the
 * end-session endpoint; /login starts code + PKCE; /cb redeems the code with openid-client and
 * greets the user; /bye is the post-logout page.
 */
class RelyingParty {
  private server: Server | undefined;
  private pending = new Map<string, string>();
  config: oidc.Configuration | undefined;
  issuer = '';
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.handle(new URL(req.url ?? '/', this.url)).then(
        ({ status, headers, body }) => res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', ...headers }).end(body),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error)),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    this.server = server;
  }

  private page(title: string, body: string): string {
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
  }

  private async handle(url: URL): Promise<{ status: number; headers?: Record<string, string>; body: string }> {
    const config = this.config;
    if (!config) return { status: 503, body: 'not ready' };
    if (url.pathname === '/') {
      const logout = `${this.issuer}/end_session?${new URLSearchParams({ client_id: 'notes', post_logout_redirect_uri: `${this.url}/bye`, state: 'see-you' })}`;
      return { status: 200, body: this.page('Notes', `<nav><a href="/login">Sign in</a> <a href="/login?prompt=select_account">Switch account</a> <a href="${logout.replace(/&/g, '&amp;')}">Sign out</a></nav>`) };
    }
    if (url.pathname === '/login') {
      const verifier = oidc.randomPKCECodeVerifier();
      const state = oidc.randomState();
      this.pending.set(state, verifier);
      const prompt = url.searchParams.get('prompt');
      const target = oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${this.url}/cb`, scope: 'openid profile email', state,
        code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...(prompt ? { prompt } : {}),
      });
      return { status: 302, headers: { location: target.href }, body: '' };
    }
    if (url.pathname === '/cb') {
      const state = url.searchParams.get('state') ?? '';
      const verifier = this.pending.get(state);
      if (!verifier) return { status: 400, body: this.page('Unknown state', '') };
      this.pending.delete(state);
      const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
      const user = await oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()?.sub ?? '');
      return { status: 200, body: this.page('Signed in', `<p id="greeting">Hello ${String(user['name'] ?? user.sub)}</p><a href="/">Home</a>`) };
    }
    if (url.pathname === '/bye') return { status: 200, body: this.page('Signed out', `<p id="state">${url.searchParams.get('state') ?? ''}</p>`) };
    return { status: 404, body: this.page('Not found', '') };
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('e2e: every page in Chromium, keyboard only', { timeout: 120_000 }, () => {
  const rp = new RelyingParty();
  const webhook = new Receiver();
  let server: TestServer;
  let dispatcher: OutboxDispatcher;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let shots = 0;
  let failed = false;

  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await rp.start();
    await webhook.start();
    server = await startServer({
      users: [ALICE, { username: 'bob', password: 'bob has a passphrase', name: 'Bob Builder' }],
      ciba: { notificationWebhook: `${webhook.url}/webhook` },
      clients: [
        { client_id: 'notes', client_secret: 'notes-secret', client_name: 'Notes', redirect_uris: [`${rp.url}/cb`], post_logout_redirect_uris: [`${rp.url}/bye`], scope: 'openid profile email' },
        { client_id: 'tv', client_name: 'Living Room TV', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT], scope: 'openid profile' },
        { client_id: 'bank', client_secret: 'bank-secret', client_name: 'Bank Desk', grant_types: [CIBA_GRANT], backchannel_token_delivery_mode: 'poll', scope: 'openid profile' },
      ],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200 });
    rp.issuer = server.url;
    rp.config = await oidc.discovery(new URL(server.url), 'notes', 'notes-secret', oidc.ClientSecretBasic('notes-secret'), { execute: [oidc.allowInsecureRequests] });
    browser = await launchChromium();
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(10_000);
  });

  after(async () => {
    await browser?.close();
    await dispatcher?.stop();
    await server?.close();
    await rp.close();
    await webhook.close();
    if (failed || process.env['E2E_KEEP'] === '1') console.log(`e2e: screenshots of every page kept in ${ARTIFACTS}`);
    else rmSync(ARTIFACTS, { recursive: true, force: true });
  });

  /** Runs a test, noting a failure so that the screenshots are kept. */
  const step = (name: string, fn: () => Promise<void>) =>
    it(name, async (t: TestContext) => {
      try {
        await fn();
      } catch (error) {
        failed = true;
        await page.screenshot({ path: join(ARTIFACTS, `failure-${t.name.replace(/[^a-z0-9]+/gi, '-')}.png`), fullPage: true }).catch(() => undefined);
        throw error;
      }
    });

  async function shot(name: string): Promise<void> {
    shots++;
    await page.screenshot({ path: join(ARTIFACTS, `${String(shots).padStart(2, '0')}-${name}.png`), fullPage: true });
  }

  /** Presses Tab until the focused element matches `css`; fails if it never does. */
  async function tabTo(css: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      if (await page.evaluate(`!!document.activeElement && document.activeElement.matches(${JSON.stringify(css)})`)) return;
    }
    assert.fail(`Tab never reached ${css} on ${page.url()}`);
  }

  /** Focus the element by keyboard and press Enter, waiting for the navigation it causes. */
  async function activate(css: string): Promise<void> {
    await tabTo(css);
    await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
  }

  /** The login page: username (focused or reached by Tab), password, Enter. */
  async function logIn(user: { username: string; password: string } = ALICE): Promise<void> {
    assert.equal(await page.locator('input[type=password]').count(), 1, `the login page: ${page.url()}`);
    const focused = await page.evaluate(`document.activeElement && document.activeElement.getAttribute('name')`);
    if (focused !== 'username') await tabTo('input[name=username]');
    await page.keyboard.type(user.username);
    await tabTo('input[name=password]');
    await page.keyboard.type(user.password);
    await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
  }

  step('login and consent, from the relying party\'s page back to it', async () => {
    await page.goto(rp.url);
    await shot('rp-home');
    await activate('a[href="/login"]');
    assert.equal(new URL(page.url()).origin, server.url);
    await shot('login');
    await logIn();
    assert.ok(await page.getByText('Notes').count(), 'the consent page names the client');
    await shot('consent');
    await activate('button[name=decision][value=allow]');
    assert.equal(new URL(page.url()).origin, rp.url);
    assert.equal((await page.locator('#greeting').textContent())?.trim(), `Hello ${ALICE.name}`);
    await shot('rp-signed-in');
  });

  step('select account', async () => {
    await page.goto(rp.url);
    await activate('a[href="/login?prompt=select_account"]');
    assert.equal(await page.locator('button[name=decision][value=continue]').count(), 1, 'the select-account page');
    await shot('select-account');
    await activate('button[name=decision][value=continue]');
    assert.equal((await page.locator('#greeting').textContent())?.trim(), `Hello ${ALICE.name}`);
  });

  step('account page', async () => {
    await page.goto(`${server.url}/account`);
    assert.equal(await page.locator('button[name=decision][value=end]').count() > 0, true, 'the session is listed with an end button');
    await shot('account');
    await tabTo('button[name=decision][value=end]');
  });

  step('device verification: code entry, approval, then the device gets its tokens', async () => {
    const start = await postForm(`${server.url}/device_authorization`, { client_id: 'tv', scope: 'openid profile' });
    assert.equal(start.status, 200, start.text);
    await page.goto(String(start.body['verification_uri']));
    await shot('device-code-entry');
    await tabTo('input[name=user_code]');
    await page.keyboard.type(String(start.body['user_code']).toLowerCase().replace('-', ''));
    await Promise.all([page.waitForEvent('framenavigated'), page.keyboard.press('Enter')]);
    await page.waitForLoadState();
    if (await page.locator('input[type=password]').count()) await logIn();
    assert.ok(await page.getByText(String(start.body['user_code'])).count(), 'the approval page shows the code');
    await shot('device-approval');
    await activate('button[name=decision][value=allow]');
    await shot('device-done');
    server.clock.advance(Number(start.body['interval']));
    try {
      const tokens = await postForm(`${server.url}/token`, { grant_type: DEVICE_GRANT, device_code: String(start.body['device_code']), client_id: 'tv' });
      assert.equal(tokens.status, 200, tokens.text);
    } finally {
      server.clock.advance(-Number(start.body['interval']));
    }
  });

  step('CIBA approval showing the binding message, then the client gets its tokens', async () => {
    const started = await postForm(`${server.url}/backchannel_authentication`, { scope: 'openid profile', login_hint: ALICE.username, binding_message: 'K7 TEA' }, { authorization: basic('bank', 'bank-secret') });
    assert.equal(started.status, 200, started.text);
    const authReqId = String(started.body['auth_req_id']);
    const note = await webhook.waitFor((r) => r.body['auth_req_id_hash'] === createHash('sha256').update(authReqId).digest('base64url'));
    await page.goto(String(note.body['approval_uri']));
    if (await page.locator('input[type=password]').count()) await logIn();
    assert.ok(await page.getByText('K7 TEA').count(), 'the binding message is shown');
    await shot('ciba-approval');
    await activate('button[name=decision][value=allow]');
    await shot('ciba-done');
    const tokens = await postForm(`${server.url}/token`, { grant_type: CIBA_GRANT, auth_req_id: authReqId }, { authorization: basic('bank', 'bank-secret') });
    assert.equal(tokens.status, 200, tokens.text);
  });

  step('logout confirmation, back to the relying party with state', async () => {
    await page.goto(rp.url);
    await activate('a[href*="end_session"]');
    assert.equal(await page.locator('button[name=decision][value=logout]').count(), 1, 'the logout confirmation page');
    await shot('logout-confirmation');
    await activate('button[name=decision][value=logout]');
    assert.equal(new URL(page.url()).origin, rp.url);
    assert.equal((await page.locator('#state').textContent())?.trim(), 'see-you');
    await shot('rp-signed-out');
  });

  step('admin console sign-in through the Portcullis login page', async () => {
    const creds = server.runtime.adminCredentials;
    assert.ok(creds, 'an administrator was created at first start');
    await page.goto(`${server.url}/admin`);
    await logIn(creds);
    assert.equal(new URL(page.url()).pathname, '/admin');
    assert.equal((await page.locator('h1').first().textContent())?.trim(), 'Tenants');
    await shot('admin-console');
    await tabTo('a');
  });
});
