/**
 * JWT Secured Authorization Response Mode (JARM): `jwt`, `query.jwt`, `fragment.jwt` and
 * `form_post.jwt`; responses and errors are JWTs that verify against the JWKS and carry
 * `iss`, `aud` and `exp`. Verified with oauth4webapi and jose.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { parseForms } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import { ALICE, Browser, CB, discover, INSECURE, signIn } from './helpers.ts';

describe('JARM', () => {
  let server: TestServer;
  let as: oauth.AuthorizationServer;
  let jwks: ReturnType<typeof createRemoteJWKSet>;

  before(async () => {
    server = await startServer({
      users: [ALICE],
      clients: [
        { client_id: 'jarm', client_secret: 'jarm-secret', redirect_uris: [CB], scope: 'openid email', authorization_signed_response_alg: 'ES256', response_types: ['code', 'code id_token'], grant_types: ['authorization_code', 'implicit'] },
        { client_id: 'plain', client_secret: 'plain-secret', redirect_uris: [CB], scope: 'openid email', skip_consent: true },
      ],
    });
    as = await discover(server);
    jwks = createRemoteJWKSet(new URL(as.jwks_uri!));
  });
  after(() => server.close());

  const url = (params: Record<string, string>) => `${server.url}/authorize?${new URLSearchParams({ client_id: 'jarm', redirect_uri: CB, response_type: 'code', scope: 'openid email', ...params })}`;

  async function verify(jwt: string, clientId = 'jarm') {
    const { payload } = await jwtVerify(jwt, jwks, { issuer: server.url, audience: clientId });
    assert.equal(typeof payload.exp, 'number', 'exp');
    return payload;
  }

  it('advertises the JWT response modes', () => {
    for (const mode of ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt']) assert.ok(as.response_modes_supported?.includes(mode), mode);
    assert.ok((as as Record<string, unknown>)['authorization_signing_alg_values_supported']);
  });

  it('response_mode=jwt with code: a signed response in the query that oauth4webapi validates', async () => {
    const callback = await signIn(new Browser(server.url), url({ response_mode: 'jwt', state: 'st-1' }));
    assert.equal(callback.searchParams.get('code'), null, 'no bare parameters');
    assert.equal(callback.searchParams.get('iss'), null, 'iss is inside the JWT');
    const response = callback.searchParams.get('response');
    assert.ok(response);
    assert.equal(decodeProtectedHeader(response).alg, 'ES256', 'authorization_signed_response_alg');
    const payload = await verify(response);
    assert.equal(payload['state'], 'st-1');
    assert.ok(typeof payload['code'] === 'string');
    const params = await oauth.validateJwtAuthResponse(as, { client_id: 'jarm' }, callback, 'st-1', INSECURE);
    assert.equal(params.get('code'), payload['code']);
  });

  it('fragment.jwt', async () => {
    const callback = await signIn(new Browser(server.url), url({ response_mode: 'fragment.jwt', state: 'st-2' }));
    const response = new URLSearchParams(callback.hash.slice(1)).get('response');
    assert.ok(response);
    assert.equal((await verify(response))['state'], 'st-2');
  });

  it('jwt with a hybrid response type goes in the fragment', async () => {
    const callback = await signIn(new Browser(server.url), url({ response_type: 'code id_token', response_mode: 'jwt', nonce: 'n-1', state: 'st-3' }));
    const response = new URLSearchParams(callback.hash.slice(1)).get('response');
    assert.ok(response);
    const payload = await verify(response);
    assert.ok(payload['id_token'] && payload['code']);
  });

  it('form_post.jwt: an auto-posting form with one response field; RS256 by default', async () => {
    const { page } = await signInThroughPages(new Browser(server.url), `${server.url}/authorize?${new URLSearchParams({ client_id: 'plain', redirect_uri: CB, response_type: 'code', scope: 'openid', response_mode: 'form_post.jwt', state: 'st-4' })}`, CB, ALICE);
    const form = parseForms(page.html, page.url).find((f) => f.action === CB);
    assert.ok(form, 'a form posting to the client');
    assert.deepEqual(Object.keys(form.fields), ['response']);
    const response = form.fields['response'] ?? '';
    assert.equal(decodeProtectedHeader(response).alg, 'RS256');
    assert.equal((await verify(response, 'plain'))['state'], 'st-4');
  });

  it('errors are signed too', async () => {
    const browser = new Browser(server.url);
    await browser.request(url({ response_mode: 'query.jwt', prompt: 'none', state: 'st-5' }));
    const callback = new URL(browser.lastExternal ?? 'http://missing/');
    const payload = await verify(callback.searchParams.get('response') ?? '');
    assert.equal(payload['error'], 'login_required');
    assert.equal(payload['state'], 'st-5');
  });

  it('refuses query.jwt for responses that carry tokens', async () => {
    const browser = new Browser(server.url);
    await browser.request(url({ response_type: 'code id_token', response_mode: 'query.jwt', nonce: 'n', state: 'st-6' }));
    const callback = new URL(browser.lastExternal ?? 'http://missing/');
    assert.equal(new URLSearchParams(callback.hash.slice(1)).get('error'), 'invalid_request');
  });
});
