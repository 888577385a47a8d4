/** Runs examples/obo end to end: sign-in at the front end, exchange, and the API reading sub and act. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startApi } from '../../examples/obo/downstream-api.ts';
import { startFrontend } from '../../examples/obo/frontend.ts';
import { Browser } from '../helpers/browser.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, basic, post } from './fixtures.ts';

const ORDERS = 'https://orders.example.com';

describe('examples/obo', () => {
  let server: TestServer;
  let api: { url: string; close(): Promise<void> };
  let frontend: { url: string; close(): Promise<void> };

  before(async () => {
    const frontendPort = await freePort();
    const example = JSON.parse(readFileSync(new URL('../../examples/obo/portcullis.json', import.meta.url), 'utf8').replaceAll('127.0.0.1:4001', `127.0.0.1:${frontendPort}`)) as Record<string, unknown>;
    server = await startServer({ clients: example['clients'], users: example['users'], resources: example['resources'] });
    api = await startApi({ issuer: server.url, audience: ORDERS, clientId: 'orders-api', clientSecret: 'orders-api-secret', port: await freePort() });
    frontend = await startFrontend({ issuer: server.url, clientId: 'frontend', clientSecret: 'frontend-secret', port: frontendPort, apiAudience: ORDERS, apiUrl: api.url });
  });
  after(async () => {
    await frontend.close();
    await api.close();
    await server.close();
  });

  it('shows the API seeing the user as sub and the front end as act', async () => {
    const login = await fetch(`${frontend.url}/login`, { redirect: 'manual' });
    assert.equal(login.status, 302);
    const browser = new Browser(server.url);
    const page = await browser.request(login.headers.get('location') ?? '');
    await browser.submit(page, { username: ALICE.username, password: ALICE.password });
    const callback = browser.lastExternal;
    if (!callback?.startsWith(`${frontend.url}/cb`)) assert.fail(`expected a redirect to the front end, got ${callback}`);
    const res = await fetch(callback);
    assert.equal(res.status, 200);
    const shown = (await res.json()) as { exchanged_token_type: string; api_status: number; api_saw: Record<string, unknown> };
    assert.equal(shown.exchanged_token_type, 'urn:ietf:params:oauth:token-type:access_token');
    assert.equal(shown.api_status, 200);
    assert.equal(shown.api_saw['sub'], ALICE.sub);
    assert.deepEqual(shown.api_saw['act'], { sub: 'frontend' });
    assert.equal(shown.api_saw['scope'], 'orders:read');
  });

  it('has the API refuse tokens that are not aimed at it', async () => {
    const own = await post(server, '/token', { grant_type: 'client_credentials' }, { authorization: basic('orders-api', 'orders-api-secret') });
    assert.equal(own.status, 200);
    const res = await fetch(`${api.url}/whoami`, { headers: { authorization: `Bearer ${String(own.body['access_token'])}` } });
    assert.equal(res.status, 401);
    const none = await fetch(`${api.url}/whoami`);
    assert.equal(none.status, 401);
  });
});
