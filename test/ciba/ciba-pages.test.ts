/**
 * The CIBA approval page in a real browser (headless Chromium through playwright-core): the user
 * opens the approval_uri from the webhook, signs in, sees the client, the scopes and the binding
 * message, and approves; the client's poll then gets tokens. A second request is denied.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { Receiver } from './receiver.ts';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
const CIBA = 'urn:openid:params:grant-type:ciba';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell' };
const basic = `Basic ${Buffer.from('bank:bank-secret').toString('base64')}`;

async function click(page: Page, name: string): Promise<number | undefined> {
  const [response] = await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST' && r.request().isNavigationRequest()),
    page.getByRole('button', { name, exact: true }).click(),
  ]);
  return response.status();
}

describe('CIBA approval page in Chromium', { timeout: 60_000 }, () => {
  const receiver = new Receiver();
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  let dispatcher: OutboxDispatcher | undefined;

  before(async () => {
    if (!existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: install chromium or set CHROMIUM_PATH (these tests never skip).`);
    await receiver.start();
    server = await startServer({
      ciba: { notificationWebhook: `${receiver.url}/webhook` },
      clients: [{ client_id: 'bank', client_secret: 'bank-secret', client_name: 'Harbour Bank', grant_types: [CIBA], scope: 'openid profile email', backchannel_token_delivery_mode: 'poll' }],
      users: [ALICE],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200, breakerCooldownMs: 100 });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  after(async () => {
    await browser?.close();
    await dispatcher?.stop();
    await server?.close();
    await receiver.close();
  });

  async function request(s: TestServer, bindingMessage: string): Promise<{ authReqId: string; approvalUri: string }> {
    const res = await fetch(`${s.url}/backchannel_authentication`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ scope: 'openid profile email', login_hint: 'alice', binding_message: bindingMessage }),
    });
    assert.equal(res.status, 200);
    const { auth_req_id: authReqId } = (await res.json()) as { auth_req_id: string };
    const note = await receiver.waitFor((r) => r.body['binding_message'] === bindingMessage);
    return { authReqId, approvalUri: String(note.body['approval_uri']) };
  }

  async function poll(s: TestServer, authReqId: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await fetch(`${s.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic },
      body: new URLSearchParams({ grant_type: CIBA, auth_req_id: authReqId }),
    });
    return { status: res.status, body: (await res.json()) as Record<string, unknown> };
  }

  it('sign in, compare the binding message, approve; then deny another request', async () => {
    assert.ok(browser && server);
    const context = await browser.newContext({ locale: 'en-GB' });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    try {
      const first = await request(server, 'Transfer 120 EUR - code 7Q2K');
      const opened = await page.goto(first.approvalUri);
      assert.equal(opened?.status(), 200);
      assert.equal(await page.getByLabel('Username', { exact: true }).inputValue(), 'alice');
      await page.getByLabel('Password', { exact: true }).fill(ALICE.password);
      await click(page, 'Sign in');
      await page.getByRole('button', { name: 'Allow', exact: true }).waitFor();
      for (const text of ['Harbour Bank', 'Transfer 120 EUR - code 7Q2K', ALICE.name, 'See your email address']) {
        assert.ok(await page.getByText(text).first().isVisible(), `the approval page shows "${text}"`);
      }
      assert.equal(await click(page, 'Allow'), 200);
      assert.ok(await page.getByRole('heading', { name: 'Request approved' }).isVisible());
      const tokens = await poll(server, first.authReqId);
      assert.equal(tokens.status, 200);
      assert.equal(typeof tokens.body['id_token'], 'string');

      // Signed in already: the second approval page goes straight to the decision.
      const second = await request(server, 'Transfer 9000 EUR - code ZZ81');
      await page.goto(second.approvalUri);
      await page.getByRole('button', { name: 'Deny', exact: true }).waitFor();
      assert.ok(await page.getByText('Transfer 9000 EUR - code ZZ81').isVisible());
      assert.equal(await click(page, 'Deny'), 200);
      assert.ok(await page.getByRole('heading', { name: 'Request denied' }).isVisible());
      const denied = await poll(server, second.authReqId);
      assert.equal(denied.status, 400);
      assert.equal(denied.body['error'], 'access_denied');
      assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
