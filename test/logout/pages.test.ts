/**
 * The logout pages in a real browser (headless Chromium through playwright-core): the
 * confirmation form, the signed-out page whose hidden iframes really load each client's
 * front-channel logout URI (with iss and sid) under its Content-Security-Policy before moving
 * on to the client, and the account page listing and ending the user's own sessions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import type { Browser, Page } from 'playwright-core';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { launchChromium } from '../helpers/chromium.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, Receiver } from './helpers.ts';

describe('logout pages in a browser', () => {
  let server: TestServer;
  let rp: Receiver;
  let browser: Browser;
  let dispatcher: OutboxDispatcher;

  before(async () => {
    rp = new Receiver(await freePort());
    await rp.start();
    server = await startServer({
      users: [ALICE],
      clients: [
        {
          client_id: 'notes', client_secret: 'notes-secret', client_name: 'Lighthouse Notes', redirect_uris: [`${rp.url}/cb`], post_logout_redirect_uris: [`${rp.url}/bye`],
          scope: 'openid profile', skip_consent: true, frontchannel_logout_uri: `${rp.url}/fc`, frontchannel_logout_session_required: true,
          backchannel_logout_uri: `${rp.url}/bc`,
        },
      ],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20 });
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await dispatcher?.stop();
    await server?.close();
    await rp?.stop();
  });

  async function signIn(page: Page): Promise<void> {
    const url = new URL(`${server.url}/authorize`);
    url.search = new URLSearchParams({ client_id: 'notes', redirect_uri: `${rp.url}/cb`, response_type: 'code', scope: 'openid profile', state: 'st', nonce: 'n' }).toString();
    await page.goto(url.href);
    await page.getByLabel('Username').fill(ALICE.username);
    await page.getByLabel('Password').fill(ALICE.password);
    await Promise.all([page.waitForURL((u) => u.href.startsWith(`${rp.url}/cb`)), page.getByRole('button', { name: 'Sign in' }).click()]);
  }

  it('confirms, loads the front-channel logout iframe with iss and sid, then continues to the client', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await signIn(page);
      const sessions = await server.runtime.services.storage.sessions.listBySub('default', (await server.runtime.services.storage.users.getByUsername('default', 'alice'))?.id ?? '', server.clock.now());
      const sid = sessions[0]?.id;
      assert.ok(sid);
      const before = rp.received.filter((r) => r.path === '/fc').length;

      const end = new URL(`${server.url}/end_session`);
      end.search = new URLSearchParams({ client_id: 'notes', post_logout_redirect_uri: `${rp.url}/bye`, state: 'after' }).toString();
      await page.goto(end.href);
      assert.equal(await page.getByRole('heading', { name: 'Sign out' }).count(), 1);
      assert.match(await page.content(), /Lighthouse Notes/);
      await Promise.all([page.waitForURL(`${rp.url}/bye?state=after`), page.getByRole('button', { name: 'Sign out' }).click()]);

      const frames = rp.received.filter((r) => r.path === '/fc').slice(before);
      assert.equal(frames.length, 1, 'Chromium loaded the front-channel logout URI');
      assert.equal(frames[0]?.query.get('iss'), server.url);
      assert.equal(frames[0]?.query.get('sid'), sid);
      await rp.until(() => rp.posts('/bc').some((p) => p.body.includes('logout_token=')));
    } finally {
      await context.close();
    }
  });

  it('lists the user\'s sessions on the account page and ends another browser\'s session', async () => {
    const first = await browser.newContext();
    const second = await browser.newContext();
    try {
      const a = await first.newPage();
      const b = await second.newPage();
      await signIn(a);
      await signIn(b);
      await a.goto(`${server.url}/account`);
      const items = a.locator('ul.sessions > li');
      assert.ok((await items.count()) >= 2, 'both sessions are listed');
      assert.equal(await a.getByText('This browser').count(), 1);
      const other = items.filter({ hasNotText: 'This browser' }).first();
      const otherSid = await other.getAttribute('data-sid');
      assert.ok(otherSid);
      const before = rp.posts('/bc').length;
      await Promise.all([a.waitForLoadState('load'), other.getByRole('button', { name: 'End this session' }).click()]);
      await a.getByText('The session was ended.').waitFor();
      assert.equal(await a.locator(`li[data-sid="${otherSid}"]`).count(), 0);

      // The other browser is signed out, and its client got a logout token for that session.
      await rp.until(() => rp.posts('/bc').length > before);
      const token = new URLSearchParams(rp.posts('/bc')[before]?.body ?? '').get('logout_token') ?? '';
      const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), { issuer: server.url, audience: 'notes', typ: 'logout+jwt' });
      assert.equal(payload['sid'], otherSid);
      await b.goto(`${server.url}/account`);
      assert.equal(await b.getByText('You are not signed in.').count(), 1);

      // Ending this browser's own session signs it out.
      await a.locator('li', { hasText: 'This browser' }).getByRole('button', { name: 'End this session' }).click();
      await a.getByRole('heading', { name: 'You are signed out' }).waitFor();
      await a.goto(`${server.url}/account`);
      assert.equal(await a.getByText('You are not signed in.').count(), 1);
    } finally {
      await first.close();
      await second.close();
    }
  });
});
