/**
 * The integration guide's curl examples for the finished flows (code + PKCE, client credentials,
 * introspection, revocation), run with the real curl binary exactly as written (see curl.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { Browser } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, API } from './support.ts';
import { adapt as adaptTo, curl, EXAMPLES, GUIDE_CALLBACK, json } from './curl.ts';

describe('interop: the guide\'s curl examples', () => {
  let server: TestServer;
  let meta: Record<string, unknown>;

  before(async () => {
    server = await startServer({
      users: [ALICE],
      resources: [{ identifier: API, scopes: ['read', 'write'] }],
      clients: [
        // The guide's examples send the secret in the body (client_secret_post) …
        { client_id: 'guide-app', client_secret: 'guide-app-secret', redirect_uris: [GUIDE_CALLBACK], token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], scope: 'openid profile read', skip_consent: true },
        // … or as HTTP Basic (client_secret_basic).
        { client_id: 'guide-basic', client_secret: 'guide-basic-secret', grant_types: ['client_credentials'], scope: 'read' },
      ],
    });
    const issuer = new URL(server.url);
    meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(meta['issuer'], issuer.origin);
  });
  after(() => server.close());

  const adapt = (text: string, values: Record<string, string>): string => adaptTo(meta, text, values);
  const post = { YOUR_CLIENT_ID: 'guide-app', YOUR_CLIENT_SECRET: 'guide-app-secret' };
  const basicClient = { YOUR_CLIENT_ID: 'guide-basic', YOUR_CLIENT_SECRET: 'guide-basic-secret' };

  async function clientCredentials(): Promise<string> {
    const res = await curl(adapt(EXAMPLES.clientCredentials, post));
    assert.equal(res.status, 200, res.body);
    return String(json(res)['access_token']);
  }

  it('Authorization Code + PKCE: the authorization request, then the code exchange with curl', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const start = adapt(EXAMPLES.authorize, { ...post, CODE_CHALLENGE: await oauth.calculatePKCECodeChallenge(verifier) });
    const browser = new Browser(server.url);
    let page = await browser.request(start);
    page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    const callback = new URL(browser.lastExternal ?? page.url);
    assert.equal(`${callback.origin}${callback.pathname}`, GUIDE_CALLBACK);
    assert.equal(callback.searchParams.get('state'), 'csrf-token');
    const code = callback.searchParams.get('code') ?? '';
    const res = await curl(adapt(EXAMPLES.exchangeCode, { ...post, AUTH_CODE: code, CODE_VERIFIER: verifier }));
    assert.equal(res.status, 200, res.body);
    const tokens = json(res);
    assert.equal(String(tokens['token_type']).toLowerCase(), 'bearer');
    const jwks = createRemoteJWKSet(new URL(String(meta['jwks_uri'])));
    const { payload } = await jwtVerify(String(tokens['id_token']), jwks, { issuer: server.url, audience: 'guide-app' });
    assert.ok(payload.sub);
    const replay = await curl(adapt(EXAMPLES.exchangeCode, { ...post, AUTH_CODE: code, CODE_VERIFIER: verifier }));
    assert.equal(replay.status, 400);
    assert.equal(json(replay)['error'], 'invalid_grant');
  });

  it('Client Credentials', async () => {
    const res = await curl(adapt(EXAMPLES.clientCredentials, post));
    assert.equal(res.status, 200, res.body);
    assert.match(res.contentType, /^application\/json/);
    const body = json(res);
    assert.equal(body['scope'], 'read');
    assert.ok(Number(body['expires_in']) > 0);
  });

  it('Introspection with client_secret_post, client_secret_basic and as a JWT (RFC 9701)', async () => {
    const token = await clientCredentials();
    const viaPost = await curl(adapt(EXAMPLES.introspectPost, { ...post, ACCESS_TOKEN: token }));
    assert.equal(viaPost.status, 200, viaPost.body);
    assert.equal(json(viaPost)['active'], true);
    assert.equal(json(viaPost)['client_id'], 'guide-app');
    const viaBasic = await curl(adapt(EXAMPLES.introspectBasic, { ...basicClient, ACCESS_TOKEN: token }));
    assert.equal(viaBasic.status, 200, viaBasic.body);
    assert.equal(json(viaBasic)['active'], true);
    const asJwt = await curl(adapt(EXAMPLES.introspectJwt, { ...basicClient, ACCESS_TOKEN: token }));
    assert.equal(asJwt.status, 200, asJwt.body);
    assert.match(asJwt.contentType, /^application\/token-introspection\+jwt/);
    const jwks = createRemoteJWKSet(new URL(String(meta['jwks_uri'])));
    const { payload, protectedHeader } = await jwtVerify(asJwt.body, jwks, { issuer: server.url, audience: 'guide-basic', typ: 'token-introspection+jwt' });
    assert.ok(protectedHeader.alg);
    assert.equal((payload['token_introspection'] as Record<string, unknown>)['active'], true);
  });

  it('Revocation with client_secret_post and client_secret_basic', async () => {
    const token = await clientCredentials();
    const revoked = await curl(adapt(EXAMPLES.revokePost, { ...post, ACCESS_TOKEN: token }));
    assert.equal(revoked.status, 200, revoked.body);
    const after = await curl(adapt(EXAMPLES.introspectBasic, { ...basicClient, ACCESS_TOKEN: token }));
    assert.deepEqual(json(after), { active: false });
    // The other client may send the request; it is answered 200 and changes nothing (RFC 7009 §2.1).
    const other = await clientCredentials();
    const foreign = await curl(adapt(EXAMPLES.revokeBasic, { ...basicClient, ACCESS_TOKEN: other }));
    assert.equal(foreign.status, 200, foreign.body);
    assert.equal(json(await curl(adapt(EXAMPLES.introspectBasic, { ...basicClient, ACCESS_TOKEN: other })))['active'], true);
  });
});
