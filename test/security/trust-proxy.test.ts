/**
 * Behind a configured reverse proxy (`trustProxy`), per-address limits count the address in
 * X-Forwarded-For, so one client behind the proxy cannot lock every other one out. The
 * password grant shares the login page's limit of thirty failures per address.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startServer, type TestServer } from '../helpers/server.ts';

describe('trustProxy', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({
      trustProxy: ['127.0.0.1'],
      features: { passwordGrant: true },
      clients: [{ client_id: 'pw', client_secret: 'pw-secret', grant_types: ['password'], scope: 'openid', token_endpoint_auth_method: 'client_secret_post' }],
    });
  });
  after(() => server.close());

  const attempt = async (forwardedFor: string, username: string) => {
    const res = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': forwardedFor },
      body: new URLSearchParams({ grant_type: 'password', client_id: 'pw', client_secret: 'pw-secret', username, password: 'wrong' }),
    });
    return { status: res.status, body: (await res.json()) as { error: string; error_description?: string } };
  };

  it('limits each forwarded address on its own', async () => {
    // Thirty failures from one address behind the proxy, each for another username (five per username would stop earlier).
    for (let i = 0; i < 30; i++) assert.equal((await attempt('203.0.113.7', `nobody-${i}`)).body.error_description, 'invalid username or password');
    const blocked = await attempt('203.0.113.7', 'nobody-else');
    assert.equal(blocked.body.error, 'invalid_grant');
    assert.match(blocked.body.error_description ?? '', /too many/);
    // Another address behind the same proxy is still heard.
    const other = await attempt('203.0.113.8', 'nobody-else');
    assert.equal(other.body.error_description, 'invalid username or password');
  });
});
