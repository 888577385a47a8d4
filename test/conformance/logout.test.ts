/**
 * OpenID Connect RP-Initiated Logout 1.0 and Back-Channel Logout 1.0.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe } from 'node:test';
import { decodeJwt, decodeProtectedHeader, SignJWT, generateKeyPair } from 'jose';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { freePort, type TestServer } from '../helpers/server.ts';
import { Visitor, BYE, CB, CLIENTS, pkce, requirement, startConformanceServer, verifyJwt } from './harness.ts';

const BACKCHANNEL_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

describe('conformance: RP-Initiated and Back-Channel Logout', () => {
  let server: TestServer;
  let dispatcher: OutboxDispatcher;
  let receiver: Server;
  const received: Array<{ contentType: string | undefined; body: string }> = [];
  let waiters: Array<() => void> = [];

  before(async () => {
    const port = await freePort();
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        received.push({ contentType: req.headers['content-type'], body });
        res.writeHead(200).end();
        for (const w of waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(port, '127.0.0.1', () => resolve()));
    const clients = CLIENTS.map((c) => (c.client_id === 'rp2' ? { ...c, backchannel_logout_uri: `http://127.0.0.1:${port}/bc`, backchannel_logout_session_required: true } : c));
    server = await startConformanceServer({ clients });
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20, retryMaxMs: 200 });
  });
  after(async () => {
    await dispatcher.stop();
    await server.close();
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const endSession = (visitor: Visitor, params: Record<string, string>) => fetch(`${server.url}/end_session?${new URLSearchParams(params)}`, {
    redirect: 'manual',
    headers: { cookie: [...visitor.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
  });

  requirement('RP-Initiated Logout', '§2.1', 'end_session_endpoint is advertised in discovery', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['end_session_endpoint'], `${server.url}/end_session`);
  });

  requirement('RP-Initiated Logout', '§3', 'with a valid id_token_hint the user is sent to the registered post_logout_redirect_uri with state', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    const res = await endSession(visitor, { id_token_hint: String(tokens['id_token']), post_logout_redirect_uri: BYE, state: 'bye-1' });
    assert.ok(res.status >= 300 && res.status < 400, String(res.status));
    assert.equal(res.headers.get('location'), `${BYE}?state=bye-1`);
  });

  requirement('RP-Initiated Logout', '§2', 'after logout the session is gone (prompt=none is login_required)', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    const res = await endSession(visitor, { id_token_hint: String(tokens['id_token']), post_logout_redirect_uri: BYE });
    for (const line of res.headers.getSetCookie()) {
      const name = line.split('=')[0] ?? '';
      if (/max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || /^[^=]+=;/.test(line)) visitor.browser.cookies.delete(name);
    }
    const silent = await visitor.authorize({ prompt: 'none' });
    assert.equal(silent.params.get('error'), 'login_required');
  });

  requirement('RP-Initiated Logout', '§3', 'an unregistered post_logout_redirect_uri is never redirected to', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    for (const uri of ['http://127.0.0.1:5999/evil', `${BYE}/x`, 'http://127.0.0.1:5999/rp2-bye']) {
      const res = await endSession(visitor, { id_token_hint: String(tokens['id_token']), post_logout_redirect_uri: uri });
      assert.equal(res.status, 400, uri);
      assert.equal(res.headers.get('location'), null);
    }
  });

  requirement('RP-Initiated Logout', '§2', 'an id_token_hint not issued by this OP is refused without redirecting', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const forged = await new SignJWT({ sub: 'x', aud: 'rp' }).setProtectedHeader({ alg: 'RS256', kid: 'forged' }).setIssuer(server.url).setIssuedAt().setExpirationTime('1h').sign(privateKey);
    const res = await endSession(new Visitor(server), { id_token_hint: forged, post_logout_redirect_uri: BYE });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  requirement('RP-Initiated Logout', '§2', 'client_id must match the id_token_hint\'s audience', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    const res = await endSession(visitor, { id_token_hint: String(tokens['id_token']), client_id: 'rp2', post_logout_redirect_uri: 'http://127.0.0.1:5999/rp2-bye' });
    assert.equal(res.status, 400);
    assert.equal(res.headers.get('location'), null);
  });

  requirement('RP-Initiated Logout', '§2', 'an expired id_token_hint is still accepted as a hint', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    server.clock.advance(7200);
    try {
      const res = await endSession(visitor, { id_token_hint: String(tokens['id_token']), post_logout_redirect_uri: BYE, state: 'late' });
      assert.equal(res.headers.get('location'), `${BYE}?state=late`);
    } finally {
      server.clock.advance(-7200);
    }
  });

  requirement('RP-Initiated Logout', '§2', 'without an id_token_hint the OP asks the user to confirm', async () => {
    const visitor = new Visitor(server);
    await visitor.tokens();
    const page = await visitor.browser.request(`${server.url}/end_session?client_id=rp&post_logout_redirect_uri=${encodeURIComponent(BYE)}&state=c`);
    assert.equal(page.status, 200);
    assert.match(page.html, /name="decision"[^>]*value="logout"|value="logout"[^>]*name="decision"/);
  });

  requirement('RP-Initiated Logout', '§2', 'the endpoint supports POST as well as GET', async () => {
    const visitor = new Visitor(server);
    const tokens = await visitor.tokens();
    const res = await fetch(`${server.url}/end_session`, {
      method: 'POST', redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: [...visitor.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
      body: new URLSearchParams({ id_token_hint: String(tokens['id_token']), post_logout_redirect_uri: BYE, state: 'p' }),
    });
    assert.equal(res.headers.get('location'), `${BYE}?state=p`);
  });

  requirement('Back-Channel Logout', '§2.5, §2.4', 'a logout token is POSTed form-encoded with iss, aud, iat, exp, jti, sid, the event, typ logout+jwt and no nonce', async () => {
    const visitor = new Visitor(server);
    const { verifier, challenge } = pkce();
    const arrival = await visitor.authorize({ client_id: 'rp2', code_challenge: challenge, code_challenge_method: 'S256' });
    const res = await fetch(`${server.url}/token`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('rp2:rp2-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: 'authorization_code', code: arrival.params.get('code') ?? '', redirect_uri: CB, code_verifier: verifier }),
    });
    const idToken = String(((await res.json()) as Record<string, unknown>)['id_token']);
    const before = received.length;
    await endSession(visitor, { id_token_hint: idToken, post_logout_redirect_uri: 'http://127.0.0.1:5999/rp2-bye' });
    const deadline = Date.now() + 20000;
    while (received.length === before && Date.now() < deadline) await new Promise<void>((resolve) => { const t = setTimeout(resolve, 50); waiters.push(() => { clearTimeout(t); resolve(); }); });
    const post = received[before];
    assert.ok(post, 'a logout token arrived');
    assert.match(post.contentType ?? '', /^application\/x-www-form-urlencoded/);
    const token = new URLSearchParams(post.body).get('logout_token') ?? '';
    assert.equal(decodeProtectedHeader(token).typ, 'logout+jwt');
    const claims = await verifyJwt(server, token, 'rp2');
    assert.deepEqual(claims['events'], { [BACKCHANNEL_EVENT]: {} });
    assert.equal(claims['sid'], decodeJwt(idToken)['sid']);
    assert.equal(claims['nonce'], undefined);
    assert.ok(claims.jti && claims.iat && claims.exp);
    waiters = [];
  });
});
