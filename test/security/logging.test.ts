/**
 * No secret reaches the log: a debug-level server is driven through a code flow
 * (client_secret_post), the password grant, refresh, introspection, revocation, dynamic
 * registration and its management, and the admin API, with good and bad credentials; then no log
 * line may contain any password, client secret, code, verifier, token, cookie value or
 * Authorization header value that crossed the wire; and no database table may hold one in the clear.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { after, before, describe, it } from 'node:test';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import { adminToken, api } from '../admin/flow.ts';
import { answer, basic, postForm, postJson, startLoggedServer, type LoggedServer } from './helpers.ts';

const CB = 'http://127.0.0.1:5991/cb';
const PASSWORD = 'correct horse battery staple';
const SECRET = 'web-secret-0123456789';

describe('secrets never logged', () => {
  let server: LoggedServer;
  let meta: Record<string, string>;
  const secrets = new Set<string>([PASSWORD, SECRET, 'wrong-password-xyz', 'wrong-secret-xyz']);
  const keep = (v: unknown) => {
    if (typeof v === 'string' && v.length >= 8) secrets.add(v);
  };

  before(async () => {
    server = await startLoggedServer({
      features: { passwordGrant: true, dynamicRegistration: 'open', accessTokenFormat: 'opaque' },
      clients: [
        {
          client_id: 'web',
          client_secret: SECRET,
          redirect_uris: [CB],
          grant_types: ['authorization_code', 'refresh_token', 'password', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:openid:params:grant-type:ciba'],
          token_endpoint_auth_method: 'client_secret_post',
          scope: 'openid profile email offline_access',
          skip_consent: true,
        },
      ],
      users: [{ username: 'alice', password: PASSWORD, name: 'Alice' }],
    });
    meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, string>;
  });
  after(() => server.close());

  it('drives every credential-bearing flow and finds none of its secrets in the log', async () => {
    const tokenUrl = meta['token_endpoint'] ?? '';
    const browser = new Browser(server.url);
    // A failed sign-in first, then the real one.
    const verifier = oidc.randomPKCECodeVerifier();
    keep(verifier);
    const authorize = new URL(meta['authorization_endpoint'] ?? '');
    for (const [k, v] of Object.entries({ client_id: 'web', response_type: 'code', redirect_uri: CB, scope: 'openid offline_access', prompt: 'consent', state: 'st-12345678', nonce: 'nonce-12345678', code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' })) {
      authorize.searchParams.set(k, v);
    }
    const first = await browser.request(authorize.href);
    await browser.submit(first, { username: 'alice', password: 'wrong-password-xyz' });
    const signed = await signInThroughPages(browser, authorize.href, CB, { username: 'alice', password: PASSWORD });
    for (const v of browser.cookies.values()) keep(v);
    const code = signed.callback.searchParams.get('code') ?? '';
    assert.ok(code, 'a code came back');
    keep(code);

    const tokens = await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: 'web', client_secret: SECRET });
    assert.equal(tokens.status, 200, tokens.text);
    for (const k of ['access_token', 'refresh_token', 'id_token']) keep(tokens.body[k]);
    // Replay of the code, and a wrong secret.
    assert.equal((await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: 'web', client_secret: SECRET })).status, 400);
    assert.equal((await postForm(tokenUrl, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, client_id: 'web', client_secret: 'wrong-secret-xyz' })).status, 401);

    const password = await postForm(tokenUrl, { grant_type: 'password', username: 'alice', password: PASSWORD, scope: 'openid offline_access', client_id: 'web', client_secret: SECRET });
    assert.equal(password.status, 200, password.text);
    for (const k of ['access_token', 'refresh_token', 'id_token']) keep(password.body[k]);
    assert.equal((await postForm(tokenUrl, { grant_type: 'password', username: 'alice', password: 'wrong-password-xyz', client_id: 'web', client_secret: SECRET })).status, 400);

    // The code replay above revoked the code's grant (RFC 6749 §4.1.2); refresh the password grant's.
    const refreshed = await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: String(password.body['refresh_token']), client_id: 'web', client_secret: SECRET });
    assert.equal(refreshed.status, 200, refreshed.text);
    for (const k of ['access_token', 'refresh_token', 'id_token']) keep(refreshed.body[k]);

    const introspection = await postForm(meta['introspection_endpoint'] ?? '', { token: String(refreshed.body['access_token']), client_id: 'web', client_secret: SECRET });
    assert.equal(introspection.status, 200);
    assert.equal(introspection.body['active'], true);
    keep(basic('web', SECRET));
    keep(basic('web', 'wrong-secret-xyz'));
    await postForm(meta['introspection_endpoint'] ?? '', { token: String(refreshed.body['access_token']) }, { authorization: basic('web', 'wrong-secret-xyz') });
    await postForm(meta['revocation_endpoint'] ?? '', { token: String(refreshed.body['refresh_token']), client_id: 'web', client_secret: SECRET });
    await answer(await fetch(meta['userinfo_endpoint'] ?? '', { headers: { authorization: `Bearer ${String(refreshed.body['access_token'])}` } }));

    // Reuse (revokes the grant) of the rotated refresh token.
    await postForm(tokenUrl, { grant_type: 'refresh_token', refresh_token: String(password.body['refresh_token']), client_id: 'web', client_secret: SECRET });
    const registered = await postJson(meta['registration_endpoint'] ?? '', { redirect_uris: ['http://127.0.0.1:5991/dcr'], client_name: 'Dyn' });
    assert.equal(registered.status, 201, registered.text);
    keep(registered.body['client_secret']);
    keep(registered.body['registration_access_token']);
    const read = await answer(await fetch(String(registered.body['registration_client_uri']), { headers: { authorization: `Bearer ${String(registered.body['registration_access_token'])}` } }));
    assert.equal(read.status, 200);
    await answer(await fetch(String(registered.body['registration_client_uri']), { headers: { authorization: 'Bearer wrong-registration-token' } }));
    secrets.add('wrong-registration-token');

    const creds = server.runtime.adminCredentials;
    assert.ok(creds);
    keep(creds.clientSecret);
    const token = await adminToken(server, creds.clientId, creds.clientSecret);
    keep(token);
    const call = api(server, token);
    const client = await call('POST', '/tenants/default/clients', { client_id: 'made-by-admin', redirect_uris: [CB], scope: 'openid' });
    assert.equal(client.status, 201, JSON.stringify(client.body));
    keep(client.body['client_secret']);
    const user = await call('POST', '/tenants/default/users', { username: 'bob', password: 'bob-password-123456' });
    assert.equal(user.status, 201, JSON.stringify(user.body));
    secrets.add('bob-password-123456');

    const device = await postForm(meta['device_authorization_endpoint'] ?? '', { scope: 'openid', client_id: 'web', client_secret: SECRET });
    assert.equal(device.status, 200, device.text);
    keep(device.body['device_code']);
    const par = await postForm(meta['pushed_authorization_request_endpoint'] ?? '', { response_type: 'code', redirect_uri: CB, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256', client_id: 'web', client_secret: SECRET });
    assert.equal(par.status, 201, par.text);
    keep(par.body['request_uri']);
    const ciba = await postForm(meta['backchannel_authentication_endpoint'] ?? '', { scope: 'openid', login_hint: 'alice', client_id: 'web', client_secret: SECRET });
    assert.equal(ciba.status, 200, ciba.text);
    keep(ciba.body['auth_req_id']);
    const iat = await call('POST', '/tenants/default/initial-access-tokens', {});
    assert.equal(iat.status, 201, JSON.stringify(iat.body));
    keep(iat.body['token']);
    assert.ok(typeof iat.body['token'] === 'string', 'the minted initial access token is shown once');

    assert.ok(server.lines.length > 20, 'the server logged its requests');
    assert.ok(server.lines.some((l) => l.includes('"level":20')), 'debug lines were written');
    const leaks: string[] = [];
    for (const line of server.lines) {
      for (const secret of secrets) if (line.includes(secret)) leaks.push(`${secret.slice(0, 12)}… in ${line.slice(0, 300)}`);
    }
    assert.deepEqual(leaks, []);

    // Stored only as hashes: no table holds any of these in the clear (DESIGN.md §3).
    const db = new Database(join(server.dir, 'portcullis.db'), { readonly: true });
    try {
      const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as Array<{ name: string }>;
      assert.ok(tables.length > 5);
      const stored: string[] = [];
      for (const { name } of tables) {
        const dump = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).all());
        for (const secret of secrets) if (dump.includes(secret)) stored.push(`${secret.slice(0, 12)}… in table ${name}`);
      }
      assert.deepEqual(stored, []);
    } finally {
      db.close();
    }
  });
});
