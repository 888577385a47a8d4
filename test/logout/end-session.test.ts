/**
 * RP-Initiated Logout, back-channel and front-channel logout against a real listening server,
 * with openid-client as the relying party and a real HTTP receiver for logout tokens.
 */
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, SignJWT, UnsecuredJWT, decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { Browser, parseForms } from '../helpers/browser.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, CB, rawGet, Receiver, rp, signIn } from './helpers.ts';

const BYE = 'http://127.0.0.1:5999/bye';
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';
const BOB = { username: 'bob', password: 'bob password 123', name: 'Bob' };

describe('logout', () => {
  let server: TestServer;
  let receiver: Receiver;
  let dispatcher: OutboxDispatcher;

  before(async () => {
    receiver = new Receiver(await freePort());
    await receiver.start();
    server = await startServer({
      users: [ALICE, BOB],
      tenants: [{ slug: 'acme' }],
      clients: [
        {
          client_id: 'web', client_secret: 'web-secret', client_name: 'Web App', redirect_uris: [CB], post_logout_redirect_uris: [BYE],
          grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', skip_consent: true,
          backchannel_logout_uri: `${receiver.url}/bc`, backchannel_logout_session_required: true,
        },
        {
          client_id: 'fc', client_secret: 'fc-secret', redirect_uris: [CB], post_logout_redirect_uris: [BYE], skip_consent: true, scope: 'openid profile',
          frontchannel_logout_uri: `${receiver.url}/fc?tenant=x`, frontchannel_logout_session_required: true,
        },
        {
          client_id: 'pairwise', client_secret: 'pw-secret', redirect_uris: [CB], scope: 'openid profile', skip_consent: true, subject_type: 'pairwise',
          backchannel_logout_uri: `${receiver.url}/bc-pairwise`,
        },
        { client_id: 'other', client_secret: 'other-secret', redirect_uris: [CB], post_logout_redirect_uris: ['http://127.0.0.1:5999/other-bye'], skip_consent: true, scope: 'openid profile' },
      ],
    });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200, breakerCooldownMs: 100 });
  });
  after(async () => {
    await dispatcher.stop();
    await server.close();
    await receiver.stop();
  });

  it('advertises logout support in discovery', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['end_session_endpoint'], `${server.url}/end_session`);
    for (const key of ['frontchannel_logout_supported', 'frontchannel_logout_session_supported', 'backchannel_logout_supported', 'backchannel_logout_session_supported']) {
      assert.equal(doc[key], true, key);
    }
  });

  it('logs out with a valid hint: redirect with state, prompt=none then fails, a logout token arrives, refresh tokens without offline_access die', async () => {
    const browser = new Browser(server.url);
    const config = await rp(server.url, 'web', 'web-secret');
    const online = await signIn(browser, config, 'openid profile');
    const offline = await signIn(browser, config, 'openid profile offline_access');
    const idToken = online.id_token ?? '';
    const claims = decodeJwt(idToken);
    assert.ok(claims['sid'], 'the ID token carries sid');
    assert.ok(online.refresh_token && offline.refresh_token);
    const before = receiver.posts().length;

    // openid-client builds the RP-Initiated Logout URL from discovery.
    const logoutUrl = oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: BYE, state: 'bye-state' });
    const res = await rawGet(browser, logoutUrl.href);
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, BYE);
    assert.equal(location.searchParams.get('state'), 'bye-state');
    for (const line of res.headers.getSetCookie()) if (line.startsWith('pc_session=')) browser.cookies.delete('pc_session');

    const silent = await rawGet(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    assert.equal(new URL(silent.headers.get('location') ?? '').searchParams.get('error'), 'login_required');

    await receiver.until(() => receiver.posts().length > before);
    const post = receiver.posts()[before];
    assert.ok(post);
    assert.equal(post.contentType, 'application/x-www-form-urlencoded');
    const token = new URLSearchParams(post.body).get('logout_token') ?? '';
    assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
    const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`)), { issuer: server.url, audience: 'web', typ: 'logout+jwt' });
    assert.deepEqual(payload['events'], { [EVENT]: {} });
    assert.equal(payload['sid'], claims['sid']);
    assert.equal(payload.sub, claims.sub);
    assert.equal(payload['nonce'], undefined);
    assert.ok(typeof payload.jti === 'string' && payload.jti.length > 0);
    assert.ok(typeof payload.iat === 'number' && typeof payload.exp === 'number' && payload.exp > payload.iat);

    await assert.rejects(oidc.refreshTokenGrant(config, online.refresh_token), (err: unknown) => (err as { error?: string }).error === 'invalid_grant');
    const refreshed = await oidc.refreshTokenGrant(config, offline.refresh_token);
    assert.ok(refreshed.access_token, 'offline_access outlives the session');

    await new Promise((r) => setTimeout(r, 100));
    assert.equal(receiver.posts().length, before + 1, 'one logout token per client and session');
  });

  it('asks for confirmation without a hint, then redirects to the registered URI of client_id', async () => {
    const browser = new Browser(server.url);
    await signIn(browser, await rp(server.url, 'other', 'other-secret'));
    const page = await browser.request(`${server.url}/end_session?client_id=other&post_logout_redirect_uri=${encodeURIComponent('http://127.0.0.1:5999/other-bye')}&state=xyz`);
    assert.equal(page.status, 200);
    const form = parseForms(page.html, page.url)[0];
    assert.ok(form && form.method === 'post' && form.buttons.some((b) => b.name === 'decision' && b.value === 'logout'));
    assert.ok(form.fields['csrf_token']);
    const done = await browser.submit(page, {}, { name: 'decision', value: 'logout' });
    assert.equal(done.status, 303);
    assert.equal(browser.lastExternal, 'http://127.0.0.1:5999/other-bye?state=xyz');
    const account = await browser.request(`${server.url}/account`);
    assert.match(account.html, /not signed in/);
  });

  it('refuses a confirmation without the CSRF token', async () => {
    const browser = new Browser(server.url);
    await signIn(browser, await rp(server.url, 'other', 'other-secret'));
    const page = await browser.request(`${server.url}/end_session`);
    const res = await browser.submit(page, { csrf_token: 'forged' }, { name: 'decision', value: 'logout' });
    assert.equal(res.status, 400);
    assert.match(res.html, /invalid_request/);
    const account = await browser.request(`${server.url}/account`);
    assert.match(account.html, /Your sessions/);
    assert.doesNotMatch(account.html, /not signed in/);
    // Ending a session from the account page checks the token too.
    const ended = await browser.submit(account, { csrf_token: 'forged' }, { name: 'decision', value: 'end' });
    assert.equal(ended.status, 400);
    assert.match(ended.html, /invalid_request/);
    assert.doesNotMatch((await browser.request(`${server.url}/account`)).html, /not signed in/);
  });

  it('shows a page and never redirects for bad input', async () => {
    const browser = new Browser(server.url);
    const config = await rp(server.url, 'web', 'web-secret');
    const tokens = await signIn(browser, config);
    const idToken = tokens.id_token ?? '';
    const claims = decodeJwt(idToken);
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const foreign = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'RS256', kid: decodeProtectedHeader(idToken).kid ?? 'k' }).sign(privateKey);
    const none = new UnsecuredJWT({ ...claims }).encode();
    const cases: Array<[string, Record<string, string>]> = [
      ['hint signed by another key', { id_token_hint: foreign, post_logout_redirect_uri: BYE, state: 's' }],
      ['alg none hint', { id_token_hint: none, post_logout_redirect_uri: BYE, state: 's' }],
      ['unregistered post_logout_redirect_uri', { id_token_hint: idToken, post_logout_redirect_uri: 'https://evil.example/bye', state: 's' }],
      ['modified post_logout_redirect_uri', { id_token_hint: idToken, post_logout_redirect_uri: `${BYE}/x`, state: 's' }],
      ['modified query', { id_token_hint: idToken, post_logout_redirect_uri: `${BYE}?a=1`, state: 's' }],
      ['hint for one client, client_id of another', { id_token_hint: idToken, client_id: 'other', post_logout_redirect_uri: 'http://127.0.0.1:5999/other-bye', state: 's' }],
      ['redirect without a client', { post_logout_redirect_uri: BYE }],
      ['repeated parameter', { id_token_hint: idToken }],
    ];
    for (const [name, params] of cases) {
      const query = new URLSearchParams(params);
      if (name === 'repeated parameter') query.append('id_token_hint', idToken);
      for (const method of ['GET', 'POST']) {
        const res =
          method === 'GET'
            ? await rawGet(browser, `${server.url}/end_session?${query}`)
            : await fetch(`${server.url}/end_session`, { method, body: query, redirect: 'manual', headers: { cookie: [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
        assert.equal(res.status, 400, `${name} (${method})`);
        assert.equal(res.headers.get('location'), null, `${name} (${method}) must not redirect`);
        assert.match(res.headers.get('content-type') ?? '', /^text\/html/);
        assert.match(await res.text(), /invalid_request/);
      }
    }
    // The session survived every bad request.
    const silent = await rawGet(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    assert.ok(new URL(silent.headers.get('location') ?? '').searchParams.get('code'));
  });

  it('asks before logging out when the hint names another user, and never lets one user end another\'s session', async () => {
    const alice = new Browser(server.url);
    const bob = new Browser(server.url);
    const config = await rp(server.url, 'other', 'other-secret');
    await signIn(alice, config);
    const bobTokens = await signIn(bob, config, 'openid profile', BOB);
    const bobSid = String(decodeJwt(bobTokens.id_token ?? '')['sid']);

    const res = await rawGet(alice, oidc.buildEndSessionUrl(config, { id_token_hint: bobTokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:5999/other-bye', state: 's' }).href);
    assert.equal(res.status, 200, 'a confirmation page, not a redirect');
    assert.match(await res.text(), /name="decision" value="logout"/);

    const account = await alice.request(`${server.url}/account`);
    assert.match(account.html, /Alice Liddell/);
    const refused = await alice.submit(account, { sid: bobSid }, { name: 'decision', value: 'end' });
    assert.equal(refused.status, 400);
    const stillBob = await bob.request(`${server.url}/account`);
    assert.match(stillBob.html, new RegExp(`data-sid="${bobSid}"`), "Bob's session is untouched");
    const stillAlice = await alice.request(`${server.url}/account`);
    assert.doesNotMatch(stillAlice.html, /not signed in/);
  });

  it('serves the endpoint per tenant', async () => {
    const doc = (await (await fetch(`${server.url}/t/acme/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['end_session_endpoint'], `${server.url}/t/acme/end_session`);
    const page = await fetch(`${server.url}/t/acme/end_session`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /name="decision" value="logout"/);
  });

  it('sends each participating client its own logout token, with the subject that client knows', async () => {
    const browser = new Browser(server.url);
    const web = await signIn(browser, await rp(server.url, 'web', 'web-secret'));
    const pairwise = await signIn(browser, await rp(server.url, 'pairwise', 'pw-secret'));
    const webSub = decodeJwt(web.id_token ?? '').sub;
    const pairwiseClaims = decodeJwt(pairwise.id_token ?? '');
    assert.notEqual(pairwiseClaims.sub, webSub, 'a pairwise subject');
    const webBefore = receiver.posts('/bc').length;
    const pwBefore = receiver.posts('/bc-pairwise').length;
    const page = await browser.request(`${server.url}/end_session`);
    await browser.submit(page, {}, { name: 'decision', value: 'logout' });
    await receiver.until(() => receiver.posts('/bc').length > webBefore && receiver.posts('/bc-pairwise').length > pwBefore);
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    const pw = await jwtVerify(new URLSearchParams(receiver.posts('/bc-pairwise')[pwBefore]?.body ?? '').get('logout_token') ?? '', jwks, { issuer: server.url, audience: 'pairwise', typ: 'logout+jwt' });
    assert.equal(pw.payload.sub, pairwiseClaims.sub);
    assert.equal(pw.payload['sid'], pairwiseClaims['sid']);
    const w = await jwtVerify(new URLSearchParams(receiver.posts('/bc')[webBefore]?.body ?? '').get('logout_token') ?? '', jwks, { issuer: server.url, audience: 'web', typ: 'logout+jwt' });
    assert.equal(w.payload.sub, webSub);
    assert.notEqual(w.payload.jti, pw.payload.jti);
  });

  it('logs out at once when logout_hint names the signed-in user, and asks when it names someone else', async () => {
    const config = await rp(server.url, 'other', 'other-secret');
    const logout = (tokens: { id_token?: string }, logoutHint: string) =>
      oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', logout_hint: logoutHint, post_logout_redirect_uri: 'http://127.0.0.1:5999/other-bye' }).href;

    const first = new Browser(server.url);
    const mine = await signIn(first, config);
    const other = await rawGet(first, logout(mine, BOB.username));
    assert.equal(other.status, 200, 'a hint naming another user gets the confirmation page');
    assert.ok(parseForms(await other.text(), other.url).some((f) => f.buttons.some((b) => b.value === 'logout')));

    for (const hint of [ALICE.username.toUpperCase(), decodeJwt(mine.id_token ?? '').sub ?? '']) {
      const browser = new Browser(server.url);
      const tokens = await signIn(browser, config);
      const res = await rawGet(browser, logout(tokens, hint));
      assert.equal(res.status, 302, `logout_hint ${hint} names the signed-in user`);
      assert.equal(res.headers.get('location'), 'http://127.0.0.1:5999/other-bye');
    }
  });

  it('accepts an expired hint', async () => {
    const browser = new Browser(server.url);
    const config = await rp(server.url, 'other', 'other-secret');
    const tokens = await signIn(browser, config);
    server.clock.advance(7200);
    try {
      const res = await rawGet(browser, oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:5999/other-bye', state: 'late' }).href);
      assert.equal(res.status, 302, 'the ID token expired an hour ago; it is still a valid hint');
      assert.equal(res.headers.get('location'), 'http://127.0.0.1:5999/other-bye?state=late');
    } finally {
      server.clock.advance(-7200);
    }
  });

  it('renders front-channel logout iframes with iss and sid, then continues to the client', async () => {
    const browser = new Browser(server.url);
    const config = await rp(server.url, 'fc', 'fc-secret');
    const tokens = await signIn(browser, config);
    const sid = decodeJwt(tokens.id_token ?? '')['sid'];
    const res = await rawGet(browser, oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: BYE, state: 'fc-state' }).href);
    assert.equal(res.status, 200);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, new RegExp(`frame-src ${receiver.url.replace(/[.]/g, '\\.')}`));
    const html = await res.text();
    const src = /<iframe src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    assert.ok(src, 'an iframe is rendered');
    const url = new URL(src);
    assert.equal(`${url.origin}${url.pathname}`, `${receiver.url}/fc`);
    assert.equal(url.searchParams.get('tenant'), 'x', 'the registered query is kept');
    assert.equal(url.searchParams.get('iss'), server.url);
    assert.equal(url.searchParams.get('sid'), sid);
    assert.match(html, /http-equiv="refresh" content="2;url=http:\/\/127\.0\.0\.1:5999\/bye\?state=fc-state"/);
  });
});
