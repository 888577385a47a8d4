/**
 * Two Portcullis processes on different ports share PostgreSQL and Redis, as two instances
 * behind a load balancer do (both serve the same issuer). Whatever one instance issues or
 * remembers, the other honours: codes, replay caches, the logout outbox, signing keys.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import { freePort } from '../helpers/server.ts';
import { ALICE, CB, rawGet, Receiver, signIn } from '../logout/helpers.ts';
import { until } from '../helpers/until.ts';
import { Deployment, services, type Instance } from './harness.ts';

const found = services();
const skip = typeof found === 'string' ? found : false;

describe('two instances over PostgreSQL and Redis', { skip }, () => {
  let deployment: Deployment;
  let a: Instance;
  let b: Instance;
  let issuer: string;
  let tokenPath: string;
  const receiver = new Receiver(0);
  // Redis outlives a test run: a fresh name keeps earlier runs' failure counters out.
  const bob = `bob-${randomUUID().slice(0, 8)}`;
  let assertionKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  before(async () => {
    if (typeof found === 'string') return;
    deployment = new Deployment(found);
    await deployment.init();
    const portA = await freePort();
    const portB = await freePort();
    const receiverPort = await freePort();
    Object.assign(receiver, { port: receiverPort });
    await receiver.start();
    // The issuer is the load balancer's URL in a deployment; here it is A's, and B serves it too.
    issuer = `http://127.0.0.1:${portA}`;
    const keys = await generateKeyPair('ES256', { extractable: true });
    assertionKey = keys.privateKey;
    const jwk: JWK = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
    const file = deployment.writeConfig({
      issuer,
      outbox: { retryBaseMs: 50, retryMaxMs: 400, pollIntervalMs: 50, timeoutMs: 2000 },
      features: { passwordGrant: true },
      users: [ALICE, { username: bob, password: 'bob password 1' }],
      clients: [
        {
          client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], post_logout_redirect_uris: ['http://127.0.0.1:5999/bye'],
          grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access', skip_consent: true,
          backchannel_logout_uri: `${receiver.url}/bc`, backchannel_logout_session_required: true,
        },
        { client_id: 'pw', client_secret: 'pw-secret', grant_types: ['password'], response_types: [], redirect_uris: [], scope: 'openid' },
        { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read' },
        { client_id: 'signed', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] }, scope: 'read' },
      ],
    });
    a = await deployment.start(file, portA);
    // Started after A has migrated and provisioned the database, as a rolling deployment does.
    b = await deployment.start(file, portB);
    const discovery = (await (await fetch(`${a.url}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    tokenPath = new URL(discovery.token_endpoint).pathname;
  });

  after(async () => {
    await receiver.stop();
    if (deployment) await deployment.close();
  });

  /** openid-client, configured from A's discovery, but sending its token requests to `instance`. */
  async function rpVia(instance: Instance): Promise<oidc.Configuration> {
    const discovered = await oidc.discovery(new URL(issuer), 'web', 'web-secret', oidc.ClientSecretBasic('web-secret'), { execute: [oidc.allowInsecureRequests] });
    const { supportsPKCE: _helper, ...discoveredMetadata } = discovered.serverMetadata();
    const metadata: oidc.ServerMetadata = { ...discoveredMetadata, token_endpoint: `${instance.url}${tokenPath}` };
    const config = new oidc.Configuration(metadata, 'web', 'web-secret', oidc.ClientSecretBasic('web-secret'));
    oidc.allowInsecureRequests(config);
    return config;
  }

  function basic(id: string, secret: string): string {
    return `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
  }

  it('redeems at B a code issued by A, and refreshes at A a token issued by B', async () => {
    const browser = new Browser(issuer);
    const viaB = await rpVia(b);
    const tokens = await signIn(browser, viaB, 'openid profile offline_access');
    assert.equal(decodeJwt(tokens.id_token ?? '').iss, issuer);
    assert.ok(tokens.refresh_token);

    const refreshed = await oidc.refreshTokenGrant(await rpVia(a), tokens.refresh_token);
    assert.ok(refreshed.access_token);
    assert.notEqual(refreshed.refresh_token, tokens.refresh_token);
    // The rotated-out refresh token is spent everywhere: B refuses it too (RFC 9700 §4.14.2).
    const again = await fetch(`${b.url}${tokenPath}`, {
      method: 'POST',
      headers: { authorization: basic('web', 'web-secret'), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    assert.equal(again.status, 400);
    assert.equal(((await again.json()) as { error: string }).error, 'invalid_grant');
  });

  it('refuses at B a DPoP proof already used at A', async () => {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const jwk = await exportJWK(publicKey);
    const proof = await new SignJWT({ htm: 'POST', htu: `${issuer}${tokenPath}`, jti: randomUUID(), iat: Math.floor(Date.now() / 1000) })
      .setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk })
      .sign(privateKey);
    const send = (instance: Instance) =>
      fetch(`${instance.url}${tokenPath}`, {
        method: 'POST',
        headers: { authorization: basic('svc', 'svc-secret'), dpop: proof, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
      });
    const first = await send(a);
    assert.equal(first.status, 200);
    const body = (await first.json()) as { token_type: string; access_token: string };
    assert.equal(body.token_type, 'DPoP');
    assert.deepEqual(decodeJwt(body.access_token)['cnf'], { jkt: await calculateJwkThumbprint(jwk) });
    const replayed = await send(b);
    // RFC 9449 §11.1: a proof's jti is accepted once.
    assert.equal(replayed.status, 400);
    assert.equal(((await replayed.json()) as { error: string }).error, 'invalid_dpop_proof');
    // With Redis configured the replay cache lives there, not in the database.
    assert.deepEqual(await deployment.query(`select key from replay`), []);
  });

  it('refuses at B a client assertion already used at A', async () => {
    const assertion = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('signed')
      .setSubject('signed')
      .setAudience(issuer)
      .setJti(randomUUID())
      .setIssuedAt()
      .setExpirationTime('60s')
      .sign(assertionKey);
    const send = (instance: Instance) =>
      fetch(`${instance.url}${tokenPath}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'client_credentials',
          client_id: 'signed',
          client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
          client_assertion: assertion,
        }),
      });
    assert.equal((await send(a)).status, 200);
    const replayed = await send(b);
    // RFC 7523 §3 (7): the authorization server may refuse a JWT whose jti it has seen.
    assert.equal(replayed.status, 401);
    assert.equal(((await replayed.json()) as { error: string }).error, 'invalid_client');
  });

  it('counts failed sign-ins at both instances against one limit', async () => {
    const attempt = (instance: Instance, password: string) =>
      fetch(`${instance.url}${tokenPath}`, {
        method: 'POST',
        headers: { authorization: basic('pw', 'pw-secret'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'password', username: bob, password, scope: 'openid' }),
      });
    for (const instance of [a, a, a, b, b]) {
      const res = await attempt(instance, 'wrong');
      assert.equal(res.status, 400);
      assert.equal(res.headers.get('retry-after'), null, 'not yet throttled');
    }
    // Five failures in all, only three of them at A: A refuses even the right password now.
    const blocked = await attempt(a, 'bob password 1');
    assert.equal(blocked.status, 400);
    assert.equal(((await blocked.json()) as { error: string }).error, 'invalid_grant');
    assert.ok(Number(blocked.headers.get('retry-after')) > 0);
    const atB = await attempt(b, 'bob password 1');
    assert.equal(atB.status, 400);
    assert.ok(Number(atB.headers.get('retry-after')) > 0);
  });

  it('counts wrong device user codes at both instances against one limit', async () => {
    const wrongCode = async (instance: Instance) => {
      const browser = new Browser(instance.url);
      const form = await browser.request(`${instance.url}/device`);
      assert.equal(form.status, 200);
      return browser.submit(form, { user_code: 'ZZZZ-ZZZZ' });
    };
    // RFC 8628 §5.1: ten wrong codes per address in all, five at each instance.
    for (const instance of [a, b, a, b, a, b, a, b, a, b]) assert.equal((await wrongCode(instance)).status, 400);
    assert.equal((await wrongCode(a)).status, 429, 'A counts the five made at B');
    assert.equal((await wrongCode(b)).status, 429, 'B counts the five made at A');
  });

  it('delivers one back-channel logout token when the user logs out at B after signing in at A', async () => {
    const browser = new Browser(issuer);
    const viaA = await rpVia(a);
    const tokens = await signIn(browser, viaA, 'openid profile');
    const sid = decodeJwt(tokens.id_token ?? '')['sid'];
    const endSession = new URL(oidc.buildEndSessionUrl(viaA, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:5999/bye' }).href);
    const atB = await rawGet(browser, `${b.url}${endSession.pathname}${endSession.search}`);
    assert.equal(atB.status, 302);

    await receiver.until(() => receiver.posts().length >= 1);
    await until(async () => (await deployment.query<{ status: string }>(`select status from outbox where kind = 'backchannel_logout'`)).every((r) => r.status === 'delivered'), 'the delivery to be recorded');
    // Both dispatchers keep polling the same table; let each run many more rounds.
    const rows = await deployment.query<{ n: number }>(`select count(*)::int as n from outbox where kind = 'backchannel_logout'`);
    assert.equal(rows[0]?.n, 1);
    await new Promise((r) => setTimeout(r, 500));
    const posts = receiver.posts();
    assert.equal(posts.length, 1, 'exactly one logout token');
    const token = new URLSearchParams(posts[0]?.body ?? '').get('logout_token') ?? '';
    assert.equal(decodeJwt(token)['sid'], sid);
  });

  it('serves at B a signing key rotated through A, and B signs with it', async () => {
    const credentials = /client_id=(\S+)\s+client_secret=(\S+)/.exec(a.stdout());
    assert.ok(credentials, 'A printed the bootstrap administrator credentials');
    const [, adminId = '', adminSecret = ''] = credentials;
    const tokenRes = await fetch(`${a.url}${tokenPath}`, {
      method: 'POST',
      headers: { authorization: basic(adminId, adminSecret), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'portcullis:admin' }),
    });
    assert.equal(tokenRes.status, 200);
    const adminToken = ((await tokenRes.json()) as { access_token: string }).access_token;
    const rotated = await fetch(`${a.url}/admin/api/v1/tenants/default/keys/rotate`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ algs: ['RS256'] }),
    });
    assert.equal(rotated.status, 200, await rotated.clone().text());
    const kid = ((await rotated.json()) as { rotated: Array<{ kid: string }> }).rotated[0]?.kid;
    assert.ok(kid);

    const kids = async (instance: Instance) => ((await (await fetch(`${instance.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string }> }).keys.map((k) => k.kid);
    assert.ok((await kids(a)).includes(kid));
    await until(async () => (await kids(b)).includes(kid), 'B to publish the new key');
    await until(async () => {
      const res = await fetch(`${b.url}${tokenPath}`, {
        method: 'POST',
        headers: { authorization: basic('svc', 'svc-secret'), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'read' }),
      });
      const token = ((await res.json()) as { access_token: string }).access_token;
      return decodeProtectedHeader(token).kid === kid;
    }, 'B to sign with the new key');
  });
});
