/**
 * Rate limits an attacker meets: open dynamic registration (each success stores a client), the
 * password grant (RFC 6749 §4.3.2 / §10.10 brute force), and device user-code entry
 * (RFC 8628 §5.1). Each answers 429 (or the grant's invalid_grant) with Retry-After once used up.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, parseForms } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { REGISTRATIONS_PER_IP } from '../../src/endpoints/registration/throttle.ts';
import { postForm, postJson } from './helpers.ts';

const CB = 'http://127.0.0.1:5993/cb';

describe('rate limits', () => {
  let server: TestServer;

  before(async () => {
    server = await startServer({
      features: { dynamicRegistration: 'open', passwordGrant: true },
      clients: [
        { client_id: 'pw', client_secret: 'pw-secret', grant_types: ['password'], scope: 'openid', token_endpoint_auth_method: 'client_secret_post' },
        { client_id: 'tv', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], scope: 'openid' },
      ],
      users: [{ username: 'mallory-target', password: 'the real password 1' }],
      tenants: [{ slug: 'acme' }],
    });
  });
  after(() => server.close());

  it('stops one address from registering clients without end (429, Retry-After, nothing stored)', async () => {
    for (let i = 0; i < REGISTRATIONS_PER_IP; i++) {
      const ok = await postJson(`${server.url}/register`, { redirect_uris: [CB], client_name: `flood ${i}` });
      assert.equal(ok.status, 201, `registration ${i}: ${ok.text}`);
    }
    const blocked = await postJson(`${server.url}/register`, { redirect_uris: [CB], client_name: 'one too many' });
    assert.equal(blocked.status, 429, blocked.text);
    assert.equal(blocked.body['error'], 'temporarily_unavailable');
    assert.match(blocked.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal(blocked.headers.get('cache-control'), 'no-store');
    assert.equal(blocked.body['client_id'], undefined);
    // Another tenant's quota is its own.
    const otherTenant = await postJson(`${server.url}/t/acme/register`, { redirect_uris: [CB] });
    assert.equal(otherTenant.status, 201, otherTenant.text);
  });

  it('locks the password grant after repeated wrong passwords, even for the right one', async () => {
    let last = await postForm(`${server.url}/token`, { grant_type: 'password', username: 'mallory-target', password: 'guess 0', client_id: 'pw', client_secret: 'pw-secret' });
    for (let i = 1; i < 10 && last.headers.get('retry-after') === null; i++) {
      assert.equal(last.status, 400);
      assert.equal(last.body['error'], 'invalid_grant');
      last = await postForm(`${server.url}/token`, { grant_type: 'password', username: 'mallory-target', password: `guess ${i}`, client_id: 'pw', client_secret: 'pw-secret' });
    }
    const right = await postForm(`${server.url}/token`, { grant_type: 'password', username: 'mallory-target', password: 'the real password 1', client_id: 'pw', client_secret: 'pw-secret' });
    assert.equal(right.status, 400, 'locked: even the right password is refused for now');
    assert.equal(right.body['error'], 'invalid_grant');
    assert.match(right.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    assert.equal(right.body['access_token'], undefined);
  });

  it('limits wrong device user codes per address', async () => {
    const started = await postForm(`${server.url}/device_authorization`, { client_id: 'tv', scope: 'openid' });
    assert.equal(started.status, 200, started.text);
    const browser = new Browser(server.url);
    let page = await browser.request(String(started.body['verification_uri']));
    let status = 0;
    for (let i = 0; i < 20 && status !== 429; i++) {
      const form = parseForms(page.html, page.url)[0];
      assert.ok(form, 'the code form');
      page = await browser.submit(page, { user_code: `WXYZ-${String(1000 + i).slice(-4).replace(/\d/g, (d) => 'BCDFGHJKLM'[Number(d)] ?? 'B')}` });
      status = page.status;
    }
    assert.equal(status, 429);
    assert.match(page.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
    // The right code is refused as well while the address is blocked.
    page = await browser.submit(page, { user_code: String(started.body['user_code']) });
    assert.equal(page.status, 429);
  });
});
