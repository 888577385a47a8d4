/**
 * The admin console in headless Chromium (playwright-core): sign-in through Portcullis itself
 * (code + PKCE), 2,000 clients in one tenant paged through, forms for clients and users, a
 * phone-size viewport, CSRF refusal and sign-out.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CLIENTS = 2000;

describe('admin console in Chromium', () => {
  let server: TestServer;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;

  before(async () => {
    server = await startServer({ tenants: [{ slug: 'acme', name: 'Acme' }] });
    const { storage, now } = server.runtime.services;
    const acme = await storage.tenants.getBySlug('acme');
    assert.ok(acme);
    for (let i = 0; i < CLIENTS; i++) {
      const clientId = `client-${String(i).padStart(4, '0')}`;
      await storage.clients.upsert({
        tenantId: acme.id,
        clientId,
        secretHash: null,
        secretEncrypted: null,
        metadata: { client_id: clientId, client_name: `Client ${i}`, redirect_uris: ['https://rp.example/cb'], grant_types: ['authorization_code'], response_types: ['code'], token_endpoint_auth_method: 'none', scope: 'openid' },
        source: 'admin',
        registrationTokenHash: null,
        createdAt: now(),
        updatedAt: now(),
      });
    }
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
    context = await browser.newContext();
    page = await context.newPage();
    page.setDefaultTimeout(10000);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  it('signs in through the Portcullis login page (code + PKCE) and lists tenants', async () => {
    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    await page.goto(`${server.url}/admin`);
    assert.equal(new URL(page.url()).origin, server.url);
    assert.equal(await page.locator('input[type=password]').count(), 1, 'not signed in: the Portcullis login page');
    await page.getByLabel(/username/i).fill(creds.username);
    await page.getByLabel(/password/i).fill(creds.password);
    await Promise.all([page.waitForURL(`${server.url}/admin`), page.locator('form button[type=submit]').first().click()]);
    assert.equal(await page.locator('h1').textContent(), 'Tenants');
    assert.equal(await page.locator('td a', { hasText: 'acme' }).count(), 1);
    assert.equal(await page.locator('script').count(), 0, 'no scripts');
    const external = await page.locator('link[href^="http"], img[src^="http"]').count();
    assert.equal(external, 0, 'no external resources');
  });

  it('pages through 2,000 clients of one tenant', async (t) => {
    const acme = await server.runtime.services.storage.tenants.getBySlug('acme');
    assert.ok(acme);
    await page.goto(`${server.url}/admin`);
    await page.locator('td a', { hasText: 'acme' }).click();
    await page.waitForURL(`${server.url}/admin/t/${acme.id}`);
    await page.locator('nav.tenant a', { hasText: 'Clients' }).click();
    await page.waitForURL(`${server.url}/admin/t/${acme.id}/clients`);
    const seen = new Set<string>();
    let pages = 0;
    const started = Date.now();
    for (;;) {
      pages++;
      const ids = await page.locator('tbody tr td:first-child a').allTextContents();
      assert.ok(ids.length > 0 && ids.length <= 50, `page ${pages} has ${ids.length} rows`);
      for (const id of ids) seen.add(id);
      const next = page.locator('a[rel=next]');
      if ((await next.count()) === 0) break;
      const href = (await next.getAttribute('href')) ?? '';
      await Promise.all([page.waitForURL(new URL(href, page.url()).href), next.click()]);
    }
    const timing = String(await page.evaluate('JSON.stringify(performance.getEntriesByType("navigation").map((e) => Math.round(e.responseEnd - e.requestStart)))'));
    t.diagnostic(`${pages} pages in ${Date.now() - started} ms; last page request to response end: ${timing} ms`);
    assert.equal(seen.size, CLIENTS);
    assert.equal(pages, CLIENTS / 50);
    assert.ok(seen.has('client-0000') && seen.has('client-1999'));

    await page.goto(`${server.url}/admin/t/${acme.id}/clients?prefix=client-199`);
    assert.equal(await page.locator('tbody tr').count(), 10, 'prefix filter');
  });

  /** Fills and submits the new-client form of tenant acme. */
  async function submitClientForm(clientId: string, redirectUri: string): Promise<void> {
    await page.goto(`${server.url}/admin/t/acme/clients`);
    await page.getByLabel('Client ID').fill(clientId);
    await page.getByLabel(/Redirect URIs/).fill(redirectUri);
    await page.getByRole('button', { name: 'Create' }).click();
  }

  it('creates a client and a user through the forms, showing the secret once', async () => {
    await submitClientForm('console-made', 'https://app.example.com/cb');
    await page.locator('#client-secret').waitFor();
    const secret = await page.locator('#client-secret').textContent();
    assert.match(secret ?? '', /^pc_cs_/);
    const acme = await server.runtime.services.storage.tenants.getBySlug('acme');
    const stored = await server.runtime.services.storage.clients.get(acme?.id ?? '', 'console-made');
    assert.deepEqual(stored?.metadata.redirect_uris, ['https://app.example.com/cb']);

    await page.goto(`${server.url}/admin/t/acme/users`);
    await page.getByLabel('Username').fill('hank');
    await page.getByLabel('Password').fill('hank password 1');
    await page.getByLabel('Email').fill('hank@acme.example');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.waitForURL(/\/users\/[^/?]+\?notice=done$/);
    assert.match((await page.locator('h1').textContent()) ?? '', /hank/);
    assert.equal(await page.locator('.notice').count(), 1, page.url());
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('button', { name: 'Enable' }).waitFor();
    const user = await server.runtime.services.storage.users.getByUsername(acme?.id ?? '', 'hank');
    assert.equal(user?.disabled, true);
    const log = await server.runtime.services.storage.audit.list(acme?.id ?? '', { targetId: user?.id ?? '' });
    assert.deepEqual(log.items.map((e) => e.action), ['user.disable', 'user.create']);
    assert.match(log.items[0]?.actor ?? '', /^admin-user:/);
  });

  it('shows validation errors in the page and changes nothing', async () => {
    await submitClientForm('bad-uri', 'https://app.example.com/cb#fragment');
    await page.locator('.alert').waitFor();
    assert.match((await page.locator('.alert').textContent()) ?? '', /invalid_redirect_uri/);
    const acme = await server.runtime.services.storage.tenants.getBySlug('acme');
    assert.equal(await server.runtime.services.storage.clients.get(acme?.id ?? '', 'bad-uri'), undefined);
    assert.equal(await page.locator('main a', { hasText: '←' }).getAttribute('href'), `/admin/t/${acme?.id ?? ''}/clients`, 'back to the section');
  });

  it('refuses form posts without the CSRF token', async () => {
    const cookies = await context.cookies(`${server.url}/admin/`);
    assert.ok(cookies.some((c) => c.name === 'pc_admin'), 'signed in');
    const cookie = cookies.map((c) => `${c.name}=${c.value}`).join('; ');
    const res = await fetch(`${server.url}/admin/t/acme/keys/rotate`, { method: 'POST', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: 'csrf_token=forged', redirect: 'manual' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.match(await res.text(), /invalid_request/);
  });

  it('is usable on a phone-size screen', async () => {
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 }, storageState: await context.storageState() });
    const small = await phone.newPage();
    for (const path of ['/admin', '/admin/t/acme/clients', '/admin/t/acme/users', '/admin/t/acme/audit']) {
      await small.goto(`${server.url}${path}`);
      const width = Number(await small.evaluate('document.documentElement.scrollWidth'));
      assert.ok(width <= 375, `${path} fits a 375 px screen (scrollWidth ${width})`);
    }
    await small.screenshot({ path: '/tmp/portcullis-admin-phone.png', fullPage: false });
    await phone.close();
  });

  it('signs out', async () => {
    await page.goto(`${server.url}/admin`);
    const session = (await context.cookies(`${server.url}/admin/`)).find((c) => c.name === 'pc_admin');
    assert.ok(session);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(`${server.url}/admin/logout`);
    assert.match((await page.locator('main').textContent()) ?? '', /signed out/);
    assert.equal((await context.cookies(`${server.url}/admin/`)).some((c) => c.name === 'pc_admin'), false);
    // The old cookie no longer works either: its access token was revoked at sign-out.
    const res = await fetch(`${server.url}/admin`, { redirect: 'manual', headers: { cookie: `pc_admin=${session.value}` } });
    assert.equal(res.status, 303);
    assert.match(res.headers.get('location') ?? '', /^\/admin\/login/);
  });
});
