/**
 * OpenID CIBA Core 1.0 end to end over HTTP: openid-client as the consumption device, the
 * operator's webhook (CONTRACT.md §4) and the client notification endpoints as a recording
 * server, the outbox dispatcher delivering, and a scripted browser on the approval pages.
 * Poll, ping and push each complete after approval and each report a denial.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT } from 'jose';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { Receiver, type Received } from '../helpers/receiver.ts';

const CIBA = 'urn:openid:params:grant-type:ciba';
const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', email: 'alice@example.com', email_verified: true };
const BOB = { username: 'bob', password: 'another long passphrase', name: 'Bob Builder' };
const NOTIFY_TOKEN = 'client-notification-token-8f0f4a1c9d6e4b2a';

const sha256 = (s: string) => createHash('sha256').update(s).digest('base64url');
const halfHash = (s: string) => createHash('sha256').update(s).digest().subarray(0, 16).toString('base64url');
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function post(url: string, body: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(body) });
}

async function json(res: Response): Promise<Record<string, unknown>> {
  return (await res.json()) as Record<string, unknown>;
}

describe('CIBA', { timeout: 90_000 }, () => {
  const receiver = new Receiver();
  let server: TestServer;
  let dispatcher: OutboxDispatcher;
  let bc: string;
  let token: string;
  let hintKey: Awaited<ReturnType<typeof generateKeyPair>>;

  before(async () => {
    await receiver.start();
    hintKey = await generateKeyPair('ES256');
    const hintJwk = { ...(await exportJWK(hintKey.publicKey)), kid: 'hint-1', alg: 'ES256' };
    const ciba = (id: string, extra: Record<string, unknown> = {}) => ({
      client_id: id,
      client_secret: `${id}-secret`,
      client_name: `Bank ${id}`,
      grant_types: [CIBA, 'refresh_token'],
      scope: 'openid profile email offline_access',
      ...extra,
    });
    server = await startServer({
      ciba: { notificationWebhook: `${receiver.url}/webhook` },
      clients: [
        ciba('poll', { backchannel_token_delivery_mode: 'poll', jwks: { keys: [hintJwk] } }),
        ciba('ping', { backchannel_token_delivery_mode: 'ping', backchannel_client_notification_endpoint: `${receiver.url}/ping-cb` }),
        ciba('push', { backchannel_token_delivery_mode: 'push', backchannel_client_notification_endpoint: `${receiver.url}/push-cb` }),
        ciba('coded', { backchannel_user_code_parameter: true }),
        { client_id: 'public', token_endpoint_auth_method: 'none', grant_types: [CIBA], scope: 'openid' },
        { client_id: 'web', client_secret: 'web-secret', redirect_uris: ['http://127.0.0.1:5999/cb'], scope: 'openid' },
      ],
      users: [ALICE, BOB],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200, breakerCooldownMs: 100 });
    bc = `${server.url}/backchannel_authentication`;
    token = `${server.url}/token`;
  });

  after(async () => {
    await dispatcher.stop();
    await server.close();
    await receiver.close();
  });

  const start = (client: string, body: Record<string, string>) => post(bc, body, { authorization: basic(client, `${client}-secret`) });
  const poll = (client: string, authReqId: string) => post(token, { grant_type: CIBA, auth_req_id: authReqId }, { authorization: basic(client, `${client}-secret`) });

  async function started(client: string, body: Record<string, string>): Promise<{ auth_req_id: string; expires_in: number; interval?: number }> {
    const res = await start(client, body);
    assert.equal(res.status, 200, await res.clone().text());
    assert.equal(res.headers.get('cache-control'), 'no-store');
    return (await res.json()) as { auth_req_id: string; expires_in: number; interval?: number };
  }

  /** The webhook's notification of this request (CONTRACT.md §4). */
  const notificationOf = (authReqId: string) => receiver.waitFor((r) => r.path === '/webhook' && r.body['auth_req_id_hash'] === sha256(authReqId));

  /** The user on the approval page: sign in (when asked) and answer. */
  async function answer(approvalUri: string, choice: 'allow' | 'deny', browser = new Browser(server.url), user = ALICE): Promise<Page> {
    let page = await browser.request(approvalUri);
    assert.equal(page.status, 200, page.html.slice(0, 400));
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) {
      page = await browser.submit(page, { username: user.username, password: user.password });
    }
    assert.ok(parseForms(page.html, page.url).some((f) => f.buttons.some((b) => b.value === choice)), page.html.slice(0, 600));
    return browser.submit(page, {}, { name: 'decision', value: choice });
  }

  it('is advertised in discovery', async () => {
    const doc = await json(await fetch(`${server.url}/.well-known/openid-configuration`));
    assert.equal(doc['backchannel_authentication_endpoint'], bc);
    assert.deepEqual(doc['backchannel_token_delivery_modes_supported'], ['poll', 'ping', 'push']);
    assert.equal(doc['backchannel_user_code_parameter_supported'], true);
    assert.ok((doc['grant_types_supported'] as string[]).includes(CIBA));
  });

  it('poll: openid-client starts, the webhook reaches the user, who approves; tokens come once', async () => {
    const config = await oidc.discovery(new URL(server.url), 'poll', 'poll-secret', oidc.ClientSecretBasic('poll-secret'), { execute: [oidc.allowInsecureRequests] });
    const request = await oidc.initiateBackchannelAuthentication(config, { scope: 'openid profile offline_access', login_hint: 'alice', binding_message: 'W4SCT', acr_values: 'urn:portcullis:pwd' });
    assert.equal(request.expires_in, 300);
    assert.equal(request.interval, 5);

    const note = await notificationOf(request.auth_req_id);
    assert.match(note.contentType ?? '', /^application\/json/);
    const users = await server.runtime.services.storage.users.getByUsername('default', 'alice');
    assert.equal(note.body['sub'], users?.id);
    assert.equal(note.body['client_id'], 'poll');
    assert.equal(note.body['client_name'], 'Bank poll');
    assert.equal(note.body['binding_message'], 'W4SCT');
    assert.equal(note.body['scope'], 'openid profile offline_access');
    assert.equal(typeof note.body['expires_at'], 'number');
    assert.equal(note.body['iss'], server.url);
    const approvalUri = String(note.body['approval_uri']);
    assert.ok(approvalUri.startsWith(`${server.url}/ciba/approve?ticket=`));

    let res = await poll('poll', request.auth_req_id);
    assert.equal(res.status, 400);
    assert.equal((await json(res))['error'], 'authorization_pending');
    res = await poll('poll', request.auth_req_id);
    assert.equal((await json(res))['error'], 'slow_down');

    const browser = new Browser(server.url);
    const login = await browser.request(approvalUri);
    assert.match(login.html, /name="password"/);
    assert.match(login.html, /value="alice"/, 'the requested user is filled in');
    const consent = await browser.submit(login, { username: ALICE.username, password: ALICE.password });
    assert.match(consent.html, /W4SCT/, 'the binding message is shown');
    assert.match(consent.html, /Bank poll/);
    const done = await browser.submit(consent, {}, { name: 'decision', value: 'allow' });
    assert.equal(done.status, 200);
    assert.match(done.html, /Request approved/);

    server.clock.advance(11);
    const tokens = await oidc.pollBackchannelAuthenticationGrant(config, request);
    assert.ok(tokens.access_token);
    assert.ok(tokens.refresh_token);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(tokens.id_token ?? '', jwks, { issuer: server.url, audience: 'poll' });
    assert.equal(payload.sub, users?.id);
    assert.equal(payload['acr'], 'urn:portcullis:pwd');
    assert.equal(payload['at_hash'], halfHash(tokens.access_token));

    server.clock.advance(30);
    res = await poll('poll', request.auth_req_id);
    assert.equal((await json(res))['error'], 'invalid_grant', 'single use');

    // The same approval page cannot be answered again.
    assert.equal((await browser.request(approvalUri)).status, 400);

    // The ID token is a valid hint for the next request.
    const hinted = await started('poll', { scope: 'openid', id_token_hint: tokens.id_token ?? '' });
    assert.ok(hinted.auth_req_id);
  });

  it('poll: denial is access_denied, expiry is expired_token', async () => {
    const denied = await started('poll', { scope: 'openid', login_hint: 'alice' });
    const page = await answer(String((await notificationOf(denied.auth_req_id)).body['approval_uri']), 'deny');
    assert.match(page.html, /Request denied/);
    const res = await poll('poll', denied.auth_req_id);
    assert.equal(res.status, 400);
    assert.equal((await json(res))['error'], 'access_denied');

    const expiring = await started('poll', { scope: 'openid', login_hint: 'alice', requested_expiry: '60' });
    assert.equal(expiring.expires_in, 60);
    server.clock.advance(61);
    assert.equal((await json(await poll('poll', expiring.auth_req_id)))['error'], 'expired_token');
    const late = await new Browser(server.url).request(String((await notificationOf(expiring.auth_req_id)).body['approval_uri']));
    assert.equal(late.status, 400);
    assert.match(late.html, /already been answered or has expired/);
  });

  it('ping: the client is pinged with its bearer token after approval, then fetches the tokens', async () => {
    const pinged = await started('ping', { scope: 'openid email', login_hint: 'alice', client_notification_token: NOTIFY_TOKEN });
    assert.equal(pinged.interval, 5);
    assert.equal((await json(await poll('ping', pinged.auth_req_id)))['error'], 'authorization_pending');
    await answer(String((await notificationOf(pinged.auth_req_id)).body['approval_uri']), 'allow');
    const ping: Received = await receiver.waitFor((r) => r.path === '/ping-cb' && r.body['auth_req_id'] === pinged.auth_req_id);
    assert.equal(ping.authorization, `Bearer ${NOTIFY_TOKEN}`);
    assert.match(ping.contentType ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(ping.body), ['auth_req_id']);
    server.clock.advance(6);
    const res = await poll('ping', pinged.auth_req_id);
    assert.equal(res.status, 200);
    const body = await json(res);
    assert.equal(typeof body['access_token'], 'string');
    assert.equal(typeof body['id_token'], 'string');
    assert.equal(body['scope'], 'openid email');
  });

  it('ping: a denial pings too, and the token endpoint says access_denied', async () => {
    const s = await started('ping', { scope: 'openid', login_hint: 'alice', client_notification_token: NOTIFY_TOKEN });
    await answer(String((await notificationOf(s.auth_req_id)).body['approval_uri']), 'deny');
    await receiver.waitFor((r) => r.path === '/ping-cb' && r.body['auth_req_id'] === s.auth_req_id);
    const res = await poll('ping', s.auth_req_id);
    assert.equal((await json(res))['error'], 'access_denied');
  });

  it('push: the tokens themselves arrive, with auth_req_id, at_hash and rt_hash in the ID token', async () => {
    const s = await started('push', { scope: 'openid profile offline_access', login_hint: 'alice', client_notification_token: NOTIFY_TOKEN, binding_message: 'Order 42' });
    assert.equal(s.interval, undefined, 'push clients do not poll');
    await answer(String((await notificationOf(s.auth_req_id)).body['approval_uri']), 'allow');
    const push = await receiver.waitFor((r) => r.path === '/push-cb' && r.body['auth_req_id'] === s.auth_req_id);
    assert.equal(push.authorization, `Bearer ${NOTIFY_TOKEN}`);
    const b = push.body;
    assert.equal(b['token_type'], 'Bearer');
    assert.equal(typeof b['expires_in'], 'number');
    const accessToken = String(b['access_token']);
    const refreshToken = String(b['refresh_token']);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const { payload } = await jwtVerify(String(b['id_token']), jwks, { issuer: server.url, audience: 'push' });
    assert.equal(payload['urn:openid:params:jwt:claim:auth_req_id'], s.auth_req_id);
    assert.equal(payload['at_hash'], halfHash(accessToken));
    assert.equal(payload['urn:openid:params:jwt:claim:rt_hash'], halfHash(refreshToken));
    const info = await fetch(`${server.url}/userinfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    assert.equal(info.status, 200, 'the pushed access token works');
    const refreshed = await post(token, { grant_type: 'refresh_token', refresh_token: refreshToken }, { authorization: basic('push', 'push-secret') });
    assert.equal(refreshed.status, 200, 'the pushed refresh token works');
    // CIBA §10.1: a push client may not poll.
    const res = await poll('push', s.auth_req_id);
    assert.equal(res.status, 400);
    assert.equal((await json(res))['error'], 'unauthorized_client');
  });

  it('push: a denial is pushed as access_denied', async () => {
    const s = await started('push', { scope: 'openid', login_hint: 'alice', client_notification_token: NOTIFY_TOKEN });
    await answer(String((await notificationOf(s.auth_req_id)).body['approval_uri']), 'deny');
    const push = await receiver.waitFor((r) => r.path === '/push-cb' && r.body['auth_req_id'] === s.auth_req_id);
    assert.equal(push.authorization, `Bearer ${NOTIFY_TOKEN}`);
    assert.equal(push.body['error'], 'access_denied');
    assert.equal(push.body['access_token'], undefined);
  });

  it('the outbox keeps notifications sealed: no bearer token, auth_req_id, pushed token or approval ticket in clear', async () => {
    const s = await started('push', { scope: 'openid offline_access', login_hint: 'alice', client_notification_token: NOTIFY_TOKEN });
    const approvalUri = String((await notificationOf(s.auth_req_id)).body['approval_uri']);
    const ticket = new URL(approvalUri).searchParams.get('ticket') ?? '';
    await answer(approvalUri, 'allow');
    const push = await receiver.waitFor((r) => r.path === '/push-cb' && r.body['auth_req_id'] === s.auth_req_id);
    const secrets = [NOTIFY_TOKEN, s.auth_req_id, ticket, String(push.body['access_token']), String(push.body['refresh_token'])];
    assert.ok(secrets.every((x) => x.length >= 16), 'every secret is known');
    const rows = await server.runtime.services.storage.outbox.list({ limit: 1000 });
    const ciba = rows.filter((r) => r.kind.startsWith('ciba_'));
    assert.deepEqual([...new Set(ciba.map((r) => r.kind))].sort(), ['ciba_ping', 'ciba_push', 'ciba_user_notification']);
    for (const row of ciba) {
      const stored = `${JSON.stringify(row.headers)}\n${row.body}`;
      for (const secret of secrets) assert.ok(!stored.includes(secret), `the ${row.kind} row does not hold a secret in clear`);
      assert.ok(!/bearer|ticket=|auth_req_id/i.test(stored), `the ${row.kind} row is sealed`);
    }
  });

  it('only the requested user can answer; another user signing in changes nothing', async () => {
    const s = await started('poll', { scope: 'openid', login_hint: 'alice' });
    const approvalUri = String((await notificationOf(s.auth_req_id)).body['approval_uri']);
    const browser = new Browser(server.url);
    const login = await browser.request(approvalUri);
    const wrong = await browser.submit(login, { username: BOB.username, password: BOB.password });
    assert.equal(wrong.status, 401);
    assert.match(wrong.html, /different account/);
    assert.ok(!parseForms(wrong.html, wrong.url).some((f) => f.buttons.some((b) => b.value === 'allow')));
    server.clock.advance(6);
    assert.equal((await json(await poll('poll', s.auth_req_id)))['error'], 'authorization_pending');
    // A forged decision from Bob's session is sent back to sign-in.
    await answer(approvalUri, 'allow', browser);
    server.clock.advance(6);
    assert.equal((await poll('poll', s.auth_req_id)).status, 200);
  });

  it('refuses forms with a forged CSRF token or request reference, and they decide nothing', async () => {
    const s = await started('poll', { scope: 'openid', login_hint: 'alice' });
    const browser = new Browser(server.url);
    const login = await browser.request(String((await notificationOf(s.auth_req_id)).body['approval_uri']));
    for (const forged of [{ csrf_token: 'forged' }, { ciba: 'forged' }]) {
      const refused = await browser.submit(login, { username: ALICE.username, password: ALICE.password, ...forged });
      assert.equal(refused.status, 400, JSON.stringify(forged));
      assert.equal(refused.headers.get('location'), null);
      assert.match(refused.html, /invalid_request/);
    }
    const consent = await browser.submit(login, { username: ALICE.username, password: ALICE.password });
    assert.ok(parseForms(consent.html, consent.url).some((f) => f.buttons.some((b) => b.value === 'allow')));
    for (const forged of [{ csrf_token: 'forged' }, { ciba: 'forged' }]) {
      const refused = await browser.submit(consent, forged, { name: 'decision', value: 'allow' });
      assert.equal(refused.status, 400, JSON.stringify(forged));
      assert.match(refused.html, /invalid_request/);
    }
    server.clock.advance(6);
    assert.equal((await json(await poll('poll', s.auth_req_id)))['error'], 'authorization_pending');
  });

  it('without the webhook link, the user finds and approves pending requests on /ciba/requests', async () => {
    const s = await started('poll', { scope: 'openid', login_hint: 'bob', binding_message: 'Teller 7' });
    const browser = new Browser(server.url);
    let page = await browser.request(`${server.url}/ciba/requests`);
    page = await browser.submit(page, { username: BOB.username, password: BOB.password });
    assert.equal(page.status, 200);
    assert.match(page.html, /Teller 7/);
    assert.match(page.html, /Bank poll/);
    const done = await browser.submit(page, {}, { name: 'decision', value: 'allow' });
    assert.match(done.html, /Request approved/);
    server.clock.advance(6);
    assert.equal((await poll('poll', s.auth_req_id)).status, 200);
  });

  it('login_hint_token: a JWT the client signed; an expired one is expired_login_hint_token', async () => {
    const now = server.clock.now();
    const sign = (exp: number) =>
      new SignJWT({ sub_id: { format: 'opaque', id: 'alice' } }).setProtectedHeader({ alg: 'ES256', kid: 'hint-1' }).setIssuedAt(now).setExpirationTime(exp).sign(hintKey.privateKey);
    const ok = await start('poll', { scope: 'openid', login_hint_token: await sign(now + 300) });
    assert.equal(ok.status, 200);
    const expired = await start('poll', { scope: 'openid', login_hint_token: await sign(now - 120) });
    assert.equal(expired.status, 400);
    assert.equal((await json(expired))['error'], 'expired_login_hint_token');
    const forged = await start('poll', { scope: 'openid', login_hint_token: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.' });
    assert.equal((await json(forged))['error'], 'invalid_request');
  });

  it('rejects bad requests with the CIBA error codes and creates nothing', async () => {
    const before = receiver.received.length;
    const expect = async (res: Response, status: number, error: string) => {
      assert.equal(res.status, status);
      assert.equal((await json(res))['error'], error);
    };
    await expect(await start('poll', { scope: 'openid', login_hint: 'nobody' }), 400, 'unknown_user_id');
    await expect(await start('poll', { scope: 'openid', login_hint: 'alice', id_token_hint: 'x.y.z' }), 400, 'invalid_request');
    await expect(await start('poll', { scope: 'openid' }), 400, 'invalid_request');
    await expect(await start('poll', { login_hint: 'alice' }), 400, 'invalid_request');
    await expect(await start('poll', { scope: 'profile', login_hint: 'alice' }), 400, 'invalid_request');
    await expect(await start('poll', { scope: 'openid admin', login_hint: 'alice' }), 400, 'invalid_scope');
    await expect(await start('poll', { scope: 'openid', login_hint: 'alice', requested_expiry: '-5' }), 400, 'invalid_request');
    await expect(await start('poll', { scope: 'openid', login_hint: 'alice', binding_message: 'x'.repeat(101) }), 400, 'invalid_binding_message');
    await expect(await start('ping', { scope: 'openid', login_hint: 'alice' }), 400, 'invalid_request');
    await expect(await start('coded', { scope: 'openid', login_hint: 'alice' }), 400, 'missing_user_code');
    await expect(await start('coded', { scope: 'openid', login_hint: 'alice', user_code: 'wrong' }), 400, 'invalid_user_code');
    await expect(await post(bc, { scope: 'openid', login_hint: 'alice', client_id: 'public' }), 401, 'invalid_client');
    await expect(await post(bc, { scope: 'openid', login_hint: 'alice' }, { authorization: basic('poll', 'wrong') }), 401, 'invalid_client');
    await expect(await post(bc, { scope: 'openid', login_hint: 'alice' }, { authorization: basic('web', 'web-secret') }), 400, 'unauthorized_client');
    await expect(await fetch(bc, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic('poll', 'poll-secret') }, body: 'scope=openid&login_hint=alice&login_hint=bob' }), 400, 'invalid_request');
    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(receiver.received.length, before, 'no rejected request reached the webhook');

    const coded = await start('coded', { scope: 'openid', login_hint: 'alice', user_code: ALICE.password });
    assert.equal(coded.status, 200, 'the user code is the user\'s password');
  });

  it('another client\'s or an unknown auth_req_id is invalid_grant', async () => {
    const s = await started('poll', { scope: 'openid', login_hint: 'alice' });
    const foreign = await poll('ping', s.auth_req_id);
    assert.equal(foreign.status, 400);
    assert.equal((await json(foreign))['error'], 'invalid_grant');
    assert.equal((await json(await poll('poll', s.auth_req_id)))['error'], 'authorization_pending', 'the foreign poll changed nothing');
    assert.equal((await json(await poll('poll', 'pc_ar_unknown')))['error'], 'invalid_grant');
    assert.equal((await json(await post(token, { grant_type: CIBA }, { authorization: basic('poll', 'poll-secret') })))['error'], 'invalid_request');
  });
});
