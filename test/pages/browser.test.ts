/**
 * The interaction pages in a real browser (headless Chromium through playwright-core): labels,
 * the Content-Security-Policy of every page, the login error, consent (allow and deny), and the
 * form_post response mode with and without JavaScript. Screenshots of the login page (also with
 * its error) and the consent page go to /tmp for a human to look at.
 *
 * Chromium is required: CI installs it. Set CHROMIUM_PATH when it is not at /usr/bin/chromium.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import type { Browser, BrowserContext, Page, Response } from 'playwright-core';
import { launchChromium } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const SCREENSHOTS = { login: '/tmp/portcullis-login.png', loginError: '/tmp/portcullis-login-error.png', consent: '/tmp/portcullis-consent.png' };

const CLIENT = { id: 'browser-app', secret: 'browser-app-secret', name: 'Lighthouse Notes' };
const LOGO = 'https://logo.portcullis.test/lighthouse.svg';
const LOGO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" viewBox="0 0 64 64"><rect width="64" height="64" rx="12" fill="#2a5bd7"/><path d="M26 52l3-30h6l3 30z" fill="#fff"/><circle cx="32" cy="16" r="5" fill="#ffd23f"/></svg>';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true };

/** What the client's redirect URI received. */
interface Received {
  method: string;
  contentType: string;
  params: URLSearchParams;
}

/**
 * The relying party: a loopback HTTP server whose redirect URIs record every request. `/cb`
 * answers with a page; `/cb-then-app` answers a POST the way many web apps do, with a 303 to the
 * app on another origin (`localhost` instead of `127.0.0.1`), which serves `/app`.
 */
class CallbackServer {
  readonly received: Received[] = [];
  private server: Server | undefined;
  url = '';
  redirectingUrl = '';
  appUrl = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      void this.record(req).then(() => {
        if (req.method === 'POST' && req.url?.startsWith('/cb-then-app')) {
          res.writeHead(303, { location: this.appUrl });
          res.end();
          return;
        }
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end('<!doctype html><html lang="en"><title>Client callback</title><p>Callback received</p></html>');
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    this.url = `http://127.0.0.1:${port}/cb`;
    this.redirectingUrl = `http://127.0.0.1:${port}/cb-then-app`;
    this.appUrl = `http://localhost:${port}/app`;
  }

  private async record(req: IncomingMessage): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (!url.pathname.startsWith('/cb')) return;
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const contentType = req.headers['content-type'] ?? '';
    const params = req.method === 'POST' ? new URLSearchParams(Buffer.concat(chunks).toString('utf8')) : url.searchParams;
    this.received.push({ method: req.method ?? '', contentType, params });
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

interface Authorization {
  url: string;
  verifier: string;
  state: string;
  nonce: string;
}

function authorizationRequest(server: TestServer, redirectUri: string, extra: Record<string, string> = {}): Authorization {
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const nonce = randomBytes(12).toString('base64url');
  const query = new URLSearchParams({
    client_id: CLIENT.id,
    redirect_uri: redirectUri,
    response_type: 'code',
    scope: 'openid profile email',
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    state,
    nonce,
    ...extra,
  });
  return { url: `${server.url}/authorize?${query}`, verifier, state, nonce };
}

/** Console errors and uncaught page errors of one browser context. */
interface Watch {
  errors: string[];
  cspViolations(): string[];
}

// Runs before any page script and is not subject to the page's CSP; it turns every
// securitypolicyviolation event into a console error, a second signal beside Chromium's own
// "violates the following Content Security Policy directive" message. (Not run without JavaScript.)
const REPORT_CSP_VIOLATIONS = `document.addEventListener('securitypolicyviolation', (e) => {
  console.error('securitypolicyviolation (Content Security Policy): ' + e.effectiveDirective + ' blocked ' + e.blockedURI + ' on ' + e.documentURI);
});`;

async function newContext(browser: Browser, options: { javaScriptEnabled?: boolean } = {}): Promise<{ context: BrowserContext; page: Page; watch: Watch }> {
  const context = await browser.newContext({ ...options, locale: 'en-GB', viewport: { width: 1024, height: 768 } });
  context.setDefaultTimeout(10_000);
  await context.addInitScript({ content: REPORT_CSP_VIOLATIONS });
  // The client's logo lives on an https origin the test cannot reach; serve it from here.
  await context.route(LOGO, (route) => route.fulfill({ status: 200, contentType: 'image/svg+xml', body: LOGO_SVG }));
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`[${page.url()}] ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`[${page.url()}] uncaught: ${error.message}`));
  return {
    context,
    page,
    watch: { errors, cspViolations: () => errors.filter((e) => /Content Security Policy|securitypolicyviolation/i.test(e)) },
  };
}

/** Submits the form through the button and returns the navigation response of the POST. */
async function submitVia(page: Page, button: string): Promise<Response> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.getByRole('button', { name: button, exact: true }).click(),
  ]);
  return response;
}

/** Waits for the browser to arrive at the client's redirect URI; says why when it does not (e.g. a CSP block). */
async function reachCallback(page: Page, watch: Watch, callbackUrl: string, timeout = 10_000): Promise<void> {
  try {
    await page.waitForURL((url) => url.href.startsWith(callbackUrl), { timeout });
  } catch (error) {
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    await page.waitForTimeout(300); // let Chromium's console report of a blocked navigation arrive
    assert.fail(`the browser never reached ${callbackUrl}; it stayed on ${page.url()} (${reason}). Console errors:\n${watch.errors.join('\n') || '(none)'}`);
  }
}

async function assertLoginPage(page: Page): Promise<void> {
  const username = page.getByLabel('Username', { exact: true });
  const password = page.getByLabel('Password', { exact: true });
  assert.equal(await username.count(), 1, 'one input labelled Username');
  assert.equal(await password.count(), 1, 'one input labelled Password');
  assert.ok(await username.isVisible());
  assert.ok(await password.isVisible());
  assert.equal(await username.getAttribute('name'), 'username');
  assert.equal(await password.getAttribute('name'), 'password');
  assert.equal(await password.getAttribute('type'), 'password');
  assert.ok(await page.getByRole('button', { name: 'Sign in', exact: true }).isVisible());
}

async function signIn(page: Page, password = ALICE.password): Promise<Response> {
  await page.getByLabel('Username', { exact: true }).fill(ALICE.username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  return submitVia(page, 'Sign in');
}

async function redeem(server: TestServer, redirectUri: string, code: string, start: Authorization): Promise<void> {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${CLIENT.id}:${CLIENT.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: redirectUri, code_verifier: start.verifier }),
  });
  assert.equal(res.status, 200, await res.clone().text());
  const body = (await res.json()) as { id_token?: string; access_token?: string };
  assert.ok(body.access_token);
  assert.equal(decodeJwt(body.id_token ?? '').nonce, start.nonce);
}

describe('interaction pages in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  const callback = new CallbackServer();

  before(async () => {
    await callback.start();
    server = await startServer({
      clients: [
        {
          client_id: CLIENT.id,
          client_secret: CLIENT.secret,
          client_name: CLIENT.name,
          logo_uri: LOGO,
          redirect_uris: [callback.url, callback.redirectingUrl],
          scope: 'openid profile email',
        },
      ],
      users: [ALICE],
    });
    browser = await launchChromium();
  });

  after(async () => {
    await browser?.close();
    await server?.close();
    await callback.close();
  });

  const ready = (): { browser: Browser; server: TestServer } => {
    assert.ok(browser && server, 'set up by before()');
    return { browser, server };
  };

  it('signs in through labelled login and consent pages that break no CSP, and returns code, state and iss', async () => {
    const { browser, server } = ready();
    const { context, page, watch } = await newContext(browser);
    try {
      const start = authorizationRequest(server, callback.url);
      const first = await page.goto(start.url);
      assert.equal(first?.status(), 200);
      assert.match((await first?.allHeaders())?.['content-security-policy'] ?? '', /default-src 'none'/, 'the login page has a CSP');
      assert.equal(page.url().startsWith(server.url), true);
      await assertLoginPage(page);
      assert.ok(await page.getByText(CLIENT.name).first().isVisible(), 'the login page names the client');
      const unlabelled = await page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
        .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.name)`);
      assert.deepEqual(unlabelled, [], 'every visible input has a label');
      assert.equal(await page.evaluate('document.activeElement && document.activeElement.id'), 'username', 'the username field is focused');
      const stylesApplied = await page.evaluate(`getComputedStyle(document.querySelector('main')).maxWidth`);
      assert.notEqual(stylesApplied, 'none', 'the stylesheet loaded (main has its max-width)');
      const logoLoaded = await page.evaluate(`(() => { const img = document.querySelector('header img'); return !!img && img.complete && img.naturalWidth > 0; })()`);
      assert.equal(logoLoaded, true, 'the client logo (https) is allowed by img-src');
      await page.screenshot({ path: SCREENSHOTS.login, fullPage: true });

      const wrong = await signIn(page, 'wrong password');
      assert.equal(wrong.status(), 401);
      const alert = page.getByRole('alert');
      assert.equal(await alert.count(), 1);
      assert.match(await alert.innerText(), /Incorrect username or password/);
      await assertLoginPage(page);
      assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), ALICE.username, 'the username is kept');
      assert.equal(await page.getByLabel('Password', { exact: true }).inputValue(), '', 'the password is not echoed');
      await page.screenshot({ path: SCREENSHOTS.loginError, fullPage: true });

      await signIn(page);
      const allow = page.getByRole('button', { name: 'Allow', exact: true });
      await allow.waitFor();
      assert.ok(await page.getByRole('button', { name: 'Deny', exact: true }).isVisible());
      assert.ok(await page.getByRole('heading', { name: 'Authorize access' }).isVisible());
      assert.ok(await page.getByText(CLIENT.name).first().isVisible(), 'the consent page names the client');
      for (const text of ['Sign you in with your identity', 'See your name and basic profile', 'See your email address', ALICE.name]) {
        assert.ok(await page.getByText(text).first().isVisible(), `consent page shows "${text}"`);
      }
      await page.screenshot({ path: SCREENSHOTS.consent, fullPage: true });

      const before = callback.received.length;
      await allow.click({ noWaitAfter: true });
      await reachCallback(page, watch, callback.url);
      const got = callback.received.at(-1);
      assert.equal(callback.received.length, before + 1);
      assert.ok(got);
      assert.equal(got.method, 'GET');
      assert.ok(got.params.get('code'), 'code');
      assert.equal(got.params.get('state'), start.state);
      assert.equal(got.params.get('iss'), server.url);
      assert.equal(got.params.get('error'), null);
      await redeem(server, callback.url, got.params.get('code') ?? '', start);
      assert.deepEqual(watch.cspViolations(), [], 'no Content Security Policy violations');
      assert.deepEqual(watch.errors.filter((e) => e.includes('uncaught')), []);
    } finally {
      await context.close();
    }
  });

  it('sends error=access_denied to the client when the user denies consent', async () => {
    const { browser, server } = ready();
    const { context, page, watch } = await newContext(browser);
    try {
      // prompt=consent: Alice may already have allowed this client in the first test.
      const start = authorizationRequest(server, callback.url, { prompt: 'consent' });
      await page.goto(start.url);
      await assertLoginPage(page);
      await signIn(page);
      const deny = page.getByRole('button', { name: 'Deny', exact: true });
      await deny.waitFor();
      await deny.click({ noWaitAfter: true });
      await reachCallback(page, watch, callback.url);
      const got = callback.received.at(-1);
      assert.ok(got);
      assert.equal(got.method, 'GET');
      assert.equal(got.params.get('error'), 'access_denied');
      assert.equal(got.params.get('state'), start.state);
      assert.equal(got.params.get('iss'), server.url);
      assert.equal(got.params.get('code'), null);
      assert.deepEqual(watch.cspViolations(), []);
    } finally {
      await context.close();
    }
  });

  it('throttles repeated wrong passwords on the login page: 429 with Retry-After, the page itself, no redirect', async () => {
    const { browser, server } = ready();
    const { context, page } = await newContext(browser);
    try {
      await page.goto(authorizationRequest(server, callback.url).url);
      const attempt = async (password: string): Promise<Response> => {
        await page.getByLabel('Username', { exact: true }).fill('mallory');
        await page.getByLabel('Password', { exact: true }).fill(password);
        return submitVia(page, 'Sign in');
      };
      for (let i = 0; i < 5; i++) assert.equal((await attempt(`guess ${i}`)).status(), 401);
      const blocked = await attempt('guess 5');
      assert.equal(blocked.status(), 429);
      const headers = await blocked.allHeaders();
      assert.match(headers['retry-after'] ?? '', /^[1-9]\d*$/);
      assert.equal(headers['location'], undefined, 'not redirected');
      assert.equal(new URL(page.url()).origin, server.url);
      assert.match(await page.getByRole('alert').innerText(), /Too many sign-in attempts\. Try again in \d+ minutes?\./);
      await assertLoginPage(page);
    } finally {
      await context.close();
    }
  });

  for (const javaScriptEnabled of [true, false]) {
    it(`delivers response_mode=form_post as a POST to the redirect URI ${javaScriptEnabled ? 'automatically' : 'with JavaScript disabled, through the Continue button'}`, async () => {
      const { browser, server } = ready();
      const { context, page, watch } = await newContext(browser, { javaScriptEnabled });
      const formPostResponses: Array<{ url: string; csp: string }> = [];
      page.on('response', (r) => {
        void r.allHeaders().then((headers) => {
          const csp = headers['content-security-policy'] ?? '';
          if (csp.includes("script-src 'nonce-")) formPostResponses.push({ url: r.url(), csp });
        });
      });
      try {
        const start = authorizationRequest(server, callback.url, { response_mode: 'form_post', prompt: 'consent' });
        await page.goto(start.url);
        await assertLoginPage(page);
        await signIn(page);
        const allow = page.getByRole('button', { name: 'Allow', exact: true });
        await allow.waitFor();
        const before = callback.received.length;
        if (javaScriptEnabled) {
          // Allow → consent redirect → form_post page → its script submits the form.
          await allow.click({ noWaitAfter: true });
        } else {
          await submitVia(page, 'Allow');
          const cont = page.getByRole('button', { name: 'Continue', exact: true });
          await cont.waitFor();
          assert.ok(await cont.isVisible(), 'the Continue button is visible');
          // getByText never matches inside <noscript>, so address the hint by CSS.
          const hint = page.locator('noscript p');
          assert.ok(await hint.isVisible(), 'the <noscript> hint is shown');
          assert.match(await hint.innerText(), /Press Continue/);
          assert.equal(callback.received.length, before, 'nothing is posted before the user presses Continue');
          await cont.click({ noWaitAfter: true });
        }
        await reachCallback(page, watch, callback.url);
        assert.ok(await page.getByText('Callback received').isVisible());
        assert.equal(callback.received.length, before + 1, JSON.stringify(watch.errors));
        const got = callback.received.at(-1);
        assert.ok(got);
        assert.equal(got.method, 'POST');
        assert.match(got.contentType, /^application\/x-www-form-urlencoded/);
        assert.ok(got.params.get('code'), 'code');
        assert.equal(got.params.get('state'), start.state);
        assert.equal(got.params.get('iss'), server.url);
        await redeem(server, callback.url, got.params.get('code') ?? '', start);

        assert.equal(formPostResponses.length, 1, 'one form_post page, with its own CSP');
        const csp = formPostResponses[0]?.csp ?? '';
        assert.match(csp, /default-src 'none'/);
        assert.doesNotMatch(csp, /form-action/, 'no form-action: it would also govern the redirect after the POST');
        assert.deepEqual(watch.cspViolations(), [], 'the CSP of the form_post page does not block the POST');
      } finally {
        await context.close();
      }
    });
  }
  it(
    'lets the client redirect the browser to another origin after the form_post POST',
    async () => {
      const { browser, server } = ready();
      const { context, page, watch } = await newContext(browser);
      try {
        const start = authorizationRequest(server, callback.redirectingUrl, { response_mode: 'form_post', prompt: 'consent' });
        await page.goto(start.url);
        await signIn(page);
        const allow = page.getByRole('button', { name: 'Allow', exact: true });
        await allow.waitFor();
        const before = callback.received.length;
        await allow.click({ noWaitAfter: true });
        await reachCallback(page, watch, callback.appUrl, 3_000);
        assert.equal(callback.received.length, before + 1);
        assert.equal(callback.received.at(-1)?.method, 'POST');
        assert.deepEqual(watch.cspViolations(), []);
      } finally {
        await context.close();
      }
    },
  );
});
