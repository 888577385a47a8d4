/**
 * RFC 8628 (OAuth 2.0 Device Authorization Grant).
 */
import assert from 'node:assert/strict';
import { after, before, describe } from 'node:test';
import { Browser, parseForms } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { ALICE, assertOAuthError, basic, CLIENTS, postForm, requirement, startConformanceServer } from './harness.ts';

const DEVICE = 'urn:ietf:params:oauth:grant-type:device_code';

describe('conformance: RFC 8628 device authorization grant', () => {
  let server: TestServer;
  const TV = basic('tv', 'tv-secret');
  const start = async (auth = TV, scope = 'openid profile') => {
    const res = await postForm(`${server.url}/device_authorization`, { scope }, { authorization: auth });
    assert.equal(res.status, 200, res.text);
    return res.body as { device_code: string; user_code: string; verification_uri: string; verification_uri_complete: string; interval: number; expires_in: number };
  };
  const poll = (deviceCode: string, auth = TV) => postForm(`${server.url}/token`, { grant_type: DEVICE, device_code: deviceCode }, { authorization: auth });
  async function decide(uri: string, choice: 'allow' | 'deny'): Promise<void> {
    const browser = new Browser(server.url);
    let page = await browser.request(uri);
    page = await browser.submit(page, {});
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    await browser.submit(page, {}, { name: 'decision', value: choice });
  }
  /** Polls one interval later, as the client must. */
  async function pollLater(deviceCode: string, interval: number, auth = TV) {
    server.clock.advance(interval);
    return poll(deviceCode, auth);
  }

  before(async () => {
    server = await startConformanceServer({
      clients: [
        ...CLIENTS,
        { client_id: 'tv', client_secret: 'tv-secret', grant_types: [DEVICE], scope: 'openid profile' },
        { client_id: 'tv2', client_secret: 'tv2-secret', grant_types: [DEVICE], scope: 'openid profile' },
      ],
    });
  });
  after(() => server.close());

  requirement('RFC 8628', '§4', 'device_authorization_endpoint is advertised', async () => {
    const doc = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(doc['device_authorization_endpoint'], `${server.url}/device_authorization`);
  });

  requirement('RFC 8628', '§3.2', 'the response carries device_code, user_code, verification_uri and expires_in', async () => {
    const body = await start();
    assert.ok(body.device_code && body.user_code && body.verification_uri && body.expires_in > 0);
    assert.ok(body.verification_uri_complete.startsWith(body.verification_uri), 'verification_uri_complete extends verification_uri (§3.3.1)');
  });

  requirement('RFC 8628', '§3.1, RFC 6749 §5.2', 'a failed client authentication is invalid_client', async () => {
    const res = await postForm(`${server.url}/device_authorization`, { scope: 'openid' }, { authorization: basic('tv', 'wrong') });
    assertOAuthError(res, 401, 'invalid_client');
  });

  requirement('RFC 8628', '§3.1, RFC 6749 §5.2', 'a client not registered for the grant is unauthorized_client', async () => {
    const res = await postForm(`${server.url}/device_authorization`, { scope: 'openid' }, { authorization: basic('svc', 'svc-secret') });
    assertOAuthError(res, 400, 'unauthorized_client');
  });

  requirement('RFC 8628', '§3.1', 'a scope outside the client\'s is invalid_scope', async () => {
    const res = await postForm(`${server.url}/device_authorization`, { scope: 'openid admin' }, { authorization: TV });
    assertOAuthError(res, 400, 'invalid_scope');
  });

  requirement('RFC 8628', '§3.5', 'before the user decides, polling is authorization_pending', async () => {
    const body = await start();
    assertOAuthError(await poll(body.device_code), 400, 'authorization_pending');
  });

  requirement('RFC 8628', '§3.5', 'polling faster than the interval is slow_down', async () => {
    const body = await start();
    assertOAuthError(await poll(body.device_code), 400, 'authorization_pending');
    assertOAuthError(await poll(body.device_code), 400, 'slow_down');
  });

  requirement('RFC 8628', '§3.5', 'a denial is access_denied', async () => {
    const body = await start();
    await decide(body.verification_uri_complete, 'deny');
    assertOAuthError(await pollLater(body.device_code, body.interval), 400, 'access_denied');
  });

  requirement('RFC 8628', '§3.5', 'an expired device code is expired_token', async () => {
    const body = await start();
    assertOAuthError(await pollLater(body.device_code, body.expires_in + 1), 400, 'expired_token');
  });

  requirement('RFC 8628', '§3.4, RFC 6749 §5.2', 'a device code is bound to the client it was issued to', async () => {
    const body = await start();
    await decide(body.verification_uri_complete, 'allow');
    assertOAuthError(await pollLater(body.device_code, body.interval, basic('tv2', 'tv2-secret')), 400, 'invalid_grant');
  });

  requirement('RFC 8628', '§3.5', 'after approval the tokens are issued once; the device code cannot be used again', async () => {
    const body = await start();
    await decide(body.verification_uri_complete, 'allow');
    const ok = await pollLater(body.device_code, body.interval);
    assert.equal(ok.status, 200, ok.text);
    assert.ok(ok.body['access_token'] && ok.body['id_token']);
    assert.equal(ok.headers.get('cache-control'), 'no-store');
    const again = await pollLater(body.device_code, body.interval);
    assert.equal(again.status, 400);
    assert.ok(['invalid_grant', 'expired_token'].includes(String(again.body['error'])), again.text);
  });
});
