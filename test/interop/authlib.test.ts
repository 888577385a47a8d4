/**
 * Interoperability with a non-JavaScript client: Python Authlib (Debian's python3-authlib),
 * run as a subprocess (test/interop/authlib/rp.py) that discovers the server and performs each
 * step with Authlib, while this suite plays the user in the pages. The interpreter is
 * AUTHLIB_PYTHON (CI sets /usr/bin/python3, Debian's, where python3-authlib lives).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { ALICE, API, CB, runStep, signIn, startInteropServer, type ClientKey, type Json } from './support.ts';

const PYTHON = process.env['AUTHLIB_PYTHON'] ?? '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./authlib/rp.py', import.meta.url));

/** Runs one step of the Python relying party. */
function python(args: Json): Promise<Json> {
  return runStep(PYTHON, [SCRIPT], args);
}

describe('interop: Python Authlib', () => {
  let server: TestServer;
  let key: ClientKey;

  before(async () => ({ server, key } = await startInteropServer()));
  after(() => server.close());

  async function codeFlow(client: Json): Promise<Json> {
    const base = { issuer: server.url, redirect_uri: CB, scope: 'openid profile email offline_access', ...client };
    const start = await python({ op: 'authorize', ...base });
    const url = new URL(String(start['url']));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const arrival = await signIn(new Browser(server.url), url);
    assert.ok(arrival.params.get('code'), `a code came back: ${arrival.callback.href}`);
    const result = await python({ op: 'code', ...base, callback: arrival.callback.href, state: start['state'], verifier: start['verifier'], nonce: start['nonce'] });
    assert.equal(result['oauth_error'], undefined, JSON.stringify(result));
    return result;
  }

  for (const [name, client] of [
    ['client_secret_basic', { client_id: 'web', client_secret: 'web-secret', auth_method: 'client_secret_basic' }],
    ['private_key_jwt', { client_id: 'pkjwt', auth_method: 'private_key_jwt' }],
  ] as const) {
    it(`code + PKCE with ${name}: ID token validated by Authlib (at_hash, nonce), UserInfo, refresh`, async () => {
      const result = await codeFlow(name === 'private_key_jwt' ? { ...client, private_jwk: key.privateJwk } : client);
      const claims = result['claims'] as Json;
      assert.equal(claims['iss'], server.url);
      assert.equal(claims['aud'], client.client_id);
      const userinfo = result['userinfo'] as Json;
      assert.equal(userinfo['sub'], claims['sub']);
      assert.equal(userinfo['email'], ALICE.email);
      const token = result['token'] as Json;
      const refreshed = result['refreshed'] as Json | undefined;
      assert.ok(refreshed, 'Authlib refreshed the token');
      assert.ok(refreshed['access_token'] && refreshed['access_token'] !== token['access_token']);
      assert.ok(refreshed['refresh_token'] && refreshed['refresh_token'] !== token['refresh_token'], 'rotated');
    });
  }

  it('client credentials with client_secret_basic and private_key_jwt', async () => {
    const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
    for (const client of [
      { client_id: 'svc', client_secret: 'svc-secret', auth_method: 'client_secret_basic' },
      { client_id: 'pkjwt', private_jwk: key.privateJwk, auth_method: 'private_key_jwt' },
    ]) {
      const result = await python({ op: 'client_credentials', issuer: server.url, scope: 'read', resource: API, ...client });
      const token = result['token'] as Json;
      assert.ok(token, JSON.stringify(result));
      const { payload } = await jwtVerify(String(token['access_token']), jwks, { issuer: server.url, audience: API });
      assert.equal(payload['client_id'], client.client_id);
    }
    const wrong = await python({ op: 'client_credentials', issuer: server.url, client_id: 'svc', client_secret: 'nope', scope: 'read' });
    assert.equal(wrong['oauth_error'], 'invalid_client');
  });

  it('introspection and revocation', async () => {
    const svc = { issuer: server.url, client_id: 'svc', client_secret: 'svc-secret' };
    const issued = (await python({ op: 'client_credentials', ...svc, scope: 'read write' }))['token'] as Json;
    const token = String(issued['access_token']);
    const active = await python({ op: 'introspect', ...svc, token, hint: 'access_token' });
    assert.equal(active['status'], 200);
    assert.equal((active['body'] as Json)['active'], true);
    assert.equal((active['body'] as Json)['scope'], 'read write');
    assert.equal((await python({ op: 'revoke', ...svc, token }))['status'], 200);
    assert.deepEqual((await python({ op: 'introspect', ...svc, token }))['body'], { active: false });
    const anonymous = await python({ op: 'introspect', issuer: server.url, client_id: 'svc', auth_method: 'none', token });
    assert.equal(anonymous['status'], 401);
  });
});
