/**
 * The integration guide's curl examples for the device flow, pushed authorization requests and
 * dynamic client registration, run with the real curl binary exactly as written (see curl.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import * as oauth from 'oauth4webapi';
import { Browser, parseForms } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { adapt as adaptTo, curl, EXAMPLES, GUIDE_PAR_CALLBACK, GUIDE_REGISTERED_CALLBACK, json } from './curl.ts';
import { ALICE, API } from './support.ts';

describe('interop: the guide\'s curl examples for device, PAR and registration', () => {
  let server: TestServer;
  let meta: Record<string, unknown>;
  const adapt = (text: string, values: Record<string, string>): string => adaptTo(meta, text, values);

  before(async () => {
    server = await startServer({
      users: [ALICE],
      features: { dynamicRegistration: 'open' },
      resources: [{ identifier: API, scopes: ['read', 'write'] }],
      clients: [
        { client_id: 'guide-device', token_endpoint_auth_method: 'none', grant_types: ['urn:ietf:params:oauth:grant-type:device_code'], scope: 'read' },
        { client_id: 'guide-par', client_secret: 'guide-par-secret', redirect_uris: [GUIDE_PAR_CALLBACK], skip_consent: true, scope: 'openid profile' },
      ],
    });
    meta = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
  });
  after(() => server.close());

  it('Device Authorization Grant: start, authorization_pending, approval, tokens', async () => {
    const client = { YOUR_CLIENT_ID: 'guide-device' };
    const started = await curl(adapt(EXAMPLES.deviceStart, client));
    assert.equal(started.status, 200, started.body);
    const start = json(started);
    for (const field of ['device_code', 'user_code', 'verification_uri', 'verification_uri_complete', 'expires_in', 'interval']) assert.ok(start[field] !== undefined, field);
    const poll = () => curl(adapt(EXAMPLES.devicePoll, { ...client, DEVICE_CODE: String(start['device_code']) }));
    const pending = await poll();
    assert.equal(pending.status, 400);
    assert.equal(json(pending)['error'], 'authorization_pending');

    const browser = new Browser(server.url);
    let page = await browser.request(String(start['verification_uri']));
    page = await browser.submit(page, { user_code: String(start['user_code']) });
    if (parseForms(page.html, page.url).some((f) => 'password' in f.fields)) page = await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    await browser.submit(page, {}, { name: 'decision', value: 'allow' });

    server.clock.advance(Number(start['interval'])); // "Poll at the rate indicated by interval"
    try {
      const done = await poll();
      assert.equal(done.status, 200, done.body);
      assert.equal(json(done)['scope'], 'read');
    } finally {
      server.clock.advance(-Number(start['interval']));
    }
  });

  it('Pushed Authorization Requests: 201 with request_uri, then the authorization redirect', async () => {
    const verifier = oauth.generateRandomCodeVerifier();
    const res = await curl(adapt(EXAMPLES.par, { YOUR_CLIENT_ID: 'guide-par', YOUR_CLIENT_SECRET: 'guide-par-secret', CODE_CHALLENGE: await oauth.calculatePKCECodeChallenge(verifier) }));
    assert.equal(res.status, 201, res.body);
    const body = json(res);
    assert.match(String(body['request_uri']), /^urn:ietf:params:oauth:request_uri:/);
    assert.equal(body['expires_in'], 60, 'valid for 60 seconds');
    const browser = new Browser(server.url);
    const page = await browser.request(`${String(meta['authorization_endpoint'])}?${new URLSearchParams({ client_id: 'guide-par', request_uri: String(body['request_uri']) })}`);
    await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    const callback = new URL(browser.lastExternal ?? '');
    assert.equal(`${callback.origin}${callback.pathname}`, GUIDE_PAR_CALLBACK);
    assert.ok(callback.searchParams.get('code'));
  });

  it('Dynamic Client Registration: register, read and delete', async () => {
    const registered = await curl(adapt(EXAMPLES.register, {}));
    assert.equal(registered.status, 201, registered.body);
    const client = json(registered);
    assert.ok(client['client_id'] && client['client_secret'] && client['registration_access_token']);
    assert.deepEqual(client['redirect_uris'], [GUIDE_REGISTERED_CALLBACK]);
    const values = { YOUR_CLIENT_ID: String(client['client_id']), REGISTRATION_ACCESS_TOKEN: String(client['registration_access_token']) };
    assert.equal(client['registration_client_uri'], `${String(meta['registration_endpoint'])}/${values.YOUR_CLIENT_ID}`, 'the guide\'s management path');
    const read = await curl(adapt(EXAMPLES.registrationRead, values));
    assert.equal(read.status, 200, read.body);
    assert.equal(json(read)['client_name'], 'My App');
    const deleted = await curl(adapt(EXAMPLES.registrationDelete, values));
    assert.equal(deleted.status, 204, deleted.body);
    assert.equal((await curl(adapt(EXAMPLES.registrationRead, values))).status, 401, 'the registration access token died with the client');
  });
});
