/**
 * The device verification pages in a real browser (headless Chromium through playwright-core):
 * a person enters the code (and a wrong one first), signs in, compares the code, allows; another
 * arrives through verification_uri_complete and denies. The device's polls see both outcomes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { clickButton as click, launchChromium, openPage } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell' };
const TV = { client_id: 'tv', client_name: 'Living Room TV', token_endpoint_auth_method: 'none', grant_types: [DEVICE_GRANT], scope: 'openid profile' };

interface DeviceStart {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete: string;
}

async function startDevice(server: TestServer): Promise<DeviceStart> {
  const res = await fetch(`${server.url}/device_authorization`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'tv', scope: 'openid profile' }),
  });
  assert.equal(res.status, 200);
  return (await res.json()) as DeviceStart;
}

async function poll(server: TestServer, deviceCode: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${server.url}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: 'tv' }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function unlabelled(page: Page): Promise<unknown> {
  return page.evaluate(`[...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
    .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')).map((el) => el.name)`);
}

describe('device verification pages in Chromium', { timeout: 60_000 }, () => {
  let browser: Browser | undefined;
  let server: TestServer | undefined;

  before(async () => {
    server = await startServer({ clients: [TV], users: [ALICE] });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const ready = () => {
    assert.ok(browser && server);
    return { browser, server };
  };

  it('enter the code (a wrong one first), sign in, compare, allow: the device gets tokens', async () => {
    const { browser, server } = ready();
    const { context, page, errors } = await openPage(browser);
    try {
      const start = await startDevice(server);
      const first = await page.goto(start.verification_uri);
      assert.equal(first?.status(), 200);
      assert.ok(await page.getByRole('heading', { name: 'Connect a device' }).isVisible());
      const code = page.getByLabel('Code', { exact: true });
      assert.equal(await code.getAttribute('name'), 'user_code');
      assert.equal(await code.inputValue(), '');
      assert.deepEqual(await unlabelled(page), []);

      await code.fill('BCDF-BCDF');
      assert.equal(await click(page, 'Continue'), 400);
      assert.match(await page.getByRole('alert').innerText(), /not valid or has expired/);

      // Case and dashes do not matter (RFC 8628 §6.1).
      await page.getByLabel('Code', { exact: true }).fill(start.user_code.toLowerCase().replace('-', ''));
      await click(page, 'Continue');
      await page.getByLabel('Username', { exact: true }).fill(ALICE.username);
      await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
      assert.deepEqual(await unlabelled(page), []);
      await click(page, 'Sign in');

      await page.getByRole('button', { name: 'Allow', exact: true }).waitFor();
      for (const text of ['Living Room TV', start.user_code, ALICE.name, 'See your name and basic profile']) {
        assert.ok(await page.getByText(text).first().isVisible(), `the approval page shows "${text}"`);
      }
      assert.equal((await poll(server, start.device_code)).body['error'], 'authorization_pending');
      assert.equal(await click(page, 'Allow'), 200);
      assert.ok(await page.getByRole('heading', { name: 'Device connected' }).isVisible());

      server.clock.advance(6);
      const tokens = await poll(server, start.device_code);
      assert.equal(tokens.status, 200);
      assert.equal(typeof tokens.body['access_token'], 'string');
      assert.equal(typeof tokens.body['id_token'], 'string');
      assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);
    } finally {
      await context.close();
    }
  });

  it('verification_uri_complete pre-fills the code; an already signed-in user denies', async () => {
    const { browser, server } = ready();
    const { context, page } = await openPage(browser);
    try {
      // Sign in once through a first device, so the second one goes straight to approval.
      const warmup = await startDevice(server);
      await page.goto(warmup.verification_uri_complete);
      await click(page, 'Continue');
      await page.getByLabel('Username', { exact: true }).fill(ALICE.username);
      await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
      await click(page, 'Sign in');
      await page.getByRole('button', { name: 'Deny', exact: true }).waitFor();

      const start = await startDevice(server);
      await page.goto(start.verification_uri_complete);
      assert.equal(await page.getByLabel('Code', { exact: true }).inputValue(), start.user_code);
      await click(page, 'Continue');
      await page.getByRole('button', { name: 'Deny', exact: true }).waitFor();
      assert.ok(await page.getByText(start.user_code).first().isVisible());
      // A second tab on the same approval page, to answer twice.
      const second = await context.newPage();
      await second.goto(start.verification_uri_complete);
      await click(second, 'Continue');
      await second.getByRole('button', { name: 'Allow', exact: true }).waitFor();

      assert.equal(await click(page, 'Deny'), 200);
      assert.ok(await page.getByRole('heading', { name: 'Access denied' }).isVisible());
      const res = await poll(server, start.device_code);
      assert.equal(res.status, 400);
      assert.equal(res.body['error'], 'access_denied');

      // The second answer is refused plainly and changes nothing.
      assert.equal(await click(second, 'Allow'), 400);
      assert.ok(await second.getByText('already been answered or has expired').isVisible());
      server.clock.advance(6);
      assert.equal((await poll(server, start.device_code)).body['error'], 'access_denied');
    } finally {
      await context.close();
    }
  });
});
