/**
 * The CIBA approval page in a real browser (headless Chromium through playwright-core): the user
 * opens the approval_uri from the webhook, signs in, sees the client, the scopes and the binding
 * message, and approves; the client's poll then gets tokens. A second request is denied.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { clickButton as click, launchChromium, openPage } from '../helpers/chromium.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { Receiver } from '../helpers/receiver.ts';

const CIBA = 'urn:openid:params:grant-type:ciba';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell' };
const basic = `Basic ${Buffer.from('bank:bank-secret').toString('base64')}`;

describe('CIBA approval page in Chromium', { timeout: 60_000 }, () => {
  const receiver = new Receiver();
  let browser: Browser | undefined;
  let server: TestServer | undefined;
  let dispatcher: OutboxDispatcher | undefined;

  before(async () => {
    await receiver.start();
    server = await startServer({
      ciba: { notificationWebhook: `${receiver.url}/webhook` },
      clients: [{ client_id: 'bank', client_secret: 'bank-secret', client_name: 'Harbour Bank', grant_types: [CIBA], scope: 'openid profile email', backchannel_token_delivery_mode: 'poll' }],
      users: [ALICE],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200, breakerCooldownMs: 100 });
    browser = await launchChromium();
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
    const { context, page, errors } = await openPage(browser);
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

      // The account page links to the user's pending approvals.
      await request(server, 'Transfer 55 EUR - code P3ND');
      assert.equal((await page.goto(`${server.url}/account`))?.status(), 200);
      const link = page.getByRole('link', { name: 'Pending requests (1)', exact: true });
      await Promise.all([page.waitForURL(`${server.url}/ciba/requests`), link.click()]);
      assert.ok(await page.getByRole('heading', { name: 'Pending requests' }).isVisible());
      assert.ok(await page.getByText('Transfer 55 EUR - code P3ND').isVisible());
      assert.deepEqual(errors.filter((e) => /Content Security Policy/i.test(e)), []);
    } finally {
      await context.close();
    }
  });
});
