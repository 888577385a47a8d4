/**
 * RFC 8693 token exchange with JWTs from external issuers the tenant trusts: keys fetched from
 * the issuer's JWKS (served here by a small local HTTP server), `may_act` honoured, actors from
 * other issuers qualified by `iss`, and trust kept per tenant.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT, type JWK, type JWTPayload, type CryptoKey } from 'jose';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, AT, basic, exchange, GRANT, IDT, introspect, JWT, post } from './fixtures.ts';

const ORDERS = 'https://orders.example.com';

describe('token exchange: subject and actor tokens from trusted external issuers', () => {
  let server: TestServer;
  let idp: Server;
  let idpUrl: string;
  let idpKey: CryptoKey;
  let localKey: CryptoKey;
  let strangerKey: CryptoKey;
  let jwksRequests = 0;

  async function sign(key: CryptoKey, claims: JWTPayload, options: { iss?: string; aud?: string; exp?: number; kid?: string } = {}): Promise<string> {
    const now = server.clock.now();
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'idp-1' })
      .setIssuer(options.iss ?? idpUrl)
      .setAudience(options.aud ?? server.url)
      .setIssuedAt(now)
      .setExpirationTime(options.exp ?? now + 300)
      .sign(key);
  }

  before(async () => {
    const pair = await generateKeyPair('ES256');
    idpKey = pair.privateKey;
    const publicJwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'idp-1', alg: 'ES256', use: 'sig' };
    const local = await generateKeyPair('ES256');
    localKey = local.privateKey;
    const localJwk: JWK = { ...(await exportJWK(local.publicKey)), kid: 'hr-1', alg: 'ES256' };
    strangerKey = (await generateKeyPair('ES256')).privateKey;
    const port = await freePort();
    idpUrl = `http://127.0.0.1:${port}`;
    idp = createServer((req, res) => {
      if (req.url !== '/jwks') {
        res.writeHead(404).end();
        return;
      }
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(port, '127.0.0.1', resolve));
    const frontend = { client_id: 'frontend', client_secret: 'frontend-secret', grant_types: [GRANT], scope: 'orders:read', token_exchange: { allowed_audiences: [ORDERS] } };
    server = await startServer({
      resources: [{ identifier: ORDERS, scopes: ['orders:read'] }],
      users: [ALICE],
      clients: [frontend, { client_id: 'rs', client_secret: 'rs-secret', grant_types: ['client_credentials'], scope: '' }],
      trustedIssuers: [
        { issuer: idpUrl, jwks_uri: `${idpUrl}/jwks`, algorithms: ['ES256'] },
        { issuer: 'https://hr.example.com', jwks: { keys: [localJwk] }, subjects: 'local' },
      ],
      tenants: [{ slug: 'acme', clients: [frontend], resources: [{ identifier: ORDERS, scopes: ['orders:read'] }] }],
    });
  });
  after(async () => {
    await server.close();
    await new Promise((resolve) => idp.close(resolve));
  });

  it('passes the external subject through, with the front end as actor, verified with the issuer\'s JWKS', async () => {
    const subject = await sign(idpKey, { sub: 'ext-user-7', scope: 'orders:read profile' });
    const res = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: JWT, audience: ORDERS, scope: 'orders:read' });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(jwksRequests > 0, 'keys fetched from jwks_uri');
    const info = await introspect(server, String(res.body['access_token']));
    assert.equal(info['active'], true);
    assert.equal(info['sub'], 'ext-user-7');
    assert.equal(info['aud'], ORDERS);
    assert.deepEqual(info['act'], { sub: 'frontend' });
    const widened = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: JWT, audience: ORDERS, scope: 'orders:write' });
    assert.equal(widened.body['error'], 'invalid_scope');
  });

  it('never lets the exchanged token outlive the subject token', async () => {
    const exp = server.clock.now() + 90;
    const subject = await sign(idpKey, { sub: 'ext-user-7' }, { exp });
    const res = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: JWT, audience: ORDERS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(Number(res.body['expires_in']) <= 90, `expires_in ${String(res.body['expires_in'])}`);
    assert.ok((decodeJwt(String(res.body['access_token'])).exp ?? Infinity) <= exp);
    const long = await exchange(server, 'frontend', { subject_token: await sign(idpKey, { sub: 'ext-user-7' }, { exp: server.clock.now() + 86400 }), subject_token_type: JWT, audience: ORDERS });
    assert.equal(long.body['expires_in'], 3600, 'otherwise the configured lifetime');
  });

  it('maps subjects of a local-subject issuer to local users', async () => {
    const subject = await sign(localKey, { sub: ALICE.sub }, { iss: 'https://hr.example.com', kid: 'hr-1' });
    const res = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: IDT, audience: ORDERS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.equal((await introspect(server, String(res.body['access_token'])))['sub'], ALICE.sub);
    const stranger = await sign(localKey, { sub: 'nobody-here' }, { iss: 'https://hr.example.com', kid: 'hr-1' });
    const refused = await exchange(server, 'frontend', { subject_token: stranger, subject_token_type: IDT, audience: ORDERS });
    assert.equal(refused.body['error'], 'invalid_request');
  });

  it('refuses untrusted, forged, expired and misaddressed external tokens with invalid_request', async () => {
    const now = server.clock.now();
    const cases: Array<[string, string]> = [
      ['untrusted issuer', await sign(idpKey, { sub: 'u' }, { iss: 'https://evil.example.com' })],
      ['signed by another key', await sign(strangerKey, { sub: 'u' })],
      ['expired', await sign(idpKey, { sub: 'u' }, { exp: now - 10 })],
      ['another audience', await sign(idpKey, { sub: 'u' }, { aud: 'https://someone-else.example.com' })],
      ['no sub', await sign(idpKey, {})],
    ];
    for (const [name, token] of cases) {
      const res = await exchange(server, 'frontend', { subject_token: token, subject_token_type: JWT, audience: ORDERS });
      assert.equal(res.status, 400, name);
      assert.equal(res.body['error'], 'invalid_request', name);
    }
  });

  it('honours may_act: only the named actor may act for the subject', async () => {
    // The front end is a client of this server, so the external issuer names it with this server's iss.
    const allowed = await sign(idpKey, { sub: 'ext-user-7', may_act: { sub: 'frontend', iss: server.url } });
    const ok = await exchange(server, 'frontend', { subject_token: allowed, subject_token_type: JWT, audience: ORDERS });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    // Without iss, may_act names a party of the token's own issuer, which the front end is not.
    for (const mayAct of [{ sub: 'someone-else', iss: server.url }, { sub: 'frontend' }, { sub: 'frontend', iss: 'https://elsewhere.example.com' }, 'frontend']) {
      const token = await sign(idpKey, { sub: 'ext-user-7', may_act: mayAct });
      const res = await exchange(server, 'frontend', { subject_token: token, subject_token_type: JWT, audience: ORDERS });
      assert.equal(res.status, 400, JSON.stringify(mayAct));
      assert.equal(res.body['error'], 'invalid_request', JSON.stringify(mayAct));
    }
  });

  it('qualifies an external actor with its issuer and keeps the subject\'s prior actors nested', async () => {
    const subject = await sign(idpKey, { sub: 'ext-user-7', act: { sub: 'upstream-gateway' }, may_act: { sub: 'robot', iss: idpUrl } });
    const actor = await sign(idpKey, { sub: 'robot' });
    const res = await exchange(server, 'frontend', { subject_token: subject, subject_token_type: JWT, actor_token: actor, actor_token_type: JWT, audience: ORDERS });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    const info = await introspect(server, String(res.body['access_token']));
    assert.deepEqual(info['act'], { sub: 'robot', iss: idpUrl, act: { sub: 'upstream-gateway' } });
  });

  it('keeps trust per tenant: another tenant does not accept this tenant\'s issuers', async () => {
    const token = await sign(idpKey, { sub: 'ext-user-7' }, { aud: `${server.url}/t/acme` });
    const res = await fetch(`${server.url}/t/acme/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${Buffer.from('frontend:frontend-secret').toString('base64')}` },
      body: new URLSearchParams({ grant_type: GRANT, subject_token: token, subject_token_type: JWT, audience: ORDERS }),
    });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    // Nor is an access token of the default tenant a subject token at acme.
    const own = await post(server, '/token', { grant_type: 'client_credentials' }, { authorization: basic('rs', 'rs-secret') });
    const local = await post(server, '/t/acme/token', { grant_type: GRANT, subject_token: String(own.body['access_token']), subject_token_type: AT, audience: ORDERS }, { authorization: basic('frontend', 'frontend-secret') });
    assert.equal(local.status, 400);
    assert.equal(local.body['error'], 'invalid_request');
    const home = await exchange(server, 'frontend', { subject_token: String(own.body['access_token']), subject_token_type: AT, audience: ORDERS });
    assert.equal(home.status, 200, 'the same token is accepted in its own tenant');
  });
});
