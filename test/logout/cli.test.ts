/**
 * Ending a user's sessions from the command line, and watching the resulting back-channel
 * deliveries with `portcullis logout-deliveries list`, against a running server that shares
 * the database.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import * as oidc from 'openid-client';
import { main } from '../../src/cli/main.ts';
import { startOutboxDispatcher, type OutboxDispatcher } from '../../src/outbox/index.ts';
import { DEFAULT_TENANT_ID } from '../../src/tenancy/slug.ts';
import { Browser } from '../helpers/browser.ts';
import { freePort, startServer, type TestServer } from '../helpers/server.ts';
import { ALICE, CB, rawGet, Receiver, rp, signIn } from './helpers.ts';

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} });
  return { code, out: lines.join('\n') };
}

describe('portcullis sessions / logout-deliveries', () => {
  let server: TestServer;
  let receiver: Receiver;
  let dispatcher: OutboxDispatcher;
  let configFile: string;

  before(async () => {
    receiver = new Receiver(await freePort());
    await receiver.start();
    const raw = {
      users: [ALICE],
      clients: [{ client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], scope: 'openid profile', skip_consent: true, backchannel_logout_uri: `${receiver.url}/bc` }],
    };
    server = await startServer(raw);
    configFile = join(server.dir, 'cli.json');
    writeFileSync(configFile, JSON.stringify({ issuer: server.url, database: server.config.database, dataDir: server.dir, ...raw }));
    dispatcher = startOutboxDispatcher(server.runtime.services, { pollIntervalMs: 20, retryBaseMs: 20 });
  });
  after(async () => {
    await dispatcher.stop();
    await server.close();
    await receiver.stop();
  });

  it('ends every session of a user: the browser is signed out and the client gets a logout token', async () => {
    const browser = new Browser(server.url);
    const config = await rp(server.url, 'web', 'web-secret');
    const tokens = await signIn(browser, config);
    const sid = String(decodeJwt(tokens.id_token ?? '')['sid']);

    const listed = await cli(['sessions', 'list', 'alice', '--config', configFile]);
    assert.equal(listed.code, 0, listed.out);
    assert.match(listed.out, new RegExp(`${sid}.*\\bpwd\\b.*\\bweb\\b`));

    const ended = await cli(['sessions', 'end', 'alice', '--config', configFile]);
    assert.equal(ended.code, 0, ended.out);
    assert.match(ended.out, /ended 1 session of alice; 1 back-channel logout token queued/);

    await receiver.until(() => receiver.posts().length === 1);
    const token = new URLSearchParams(receiver.posts()[0]?.body ?? '').get('logout_token') ?? '';
    assert.equal(decodeJwt(token)['sid'], sid);

    const silent = await rawGet(browser, oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope: 'openid', prompt: 'none', state: 's', code_challenge: 'x'.repeat(43), code_challenge_method: 'S256' }).href);
    assert.equal(new URL(silent.headers.get('location') ?? '').searchParams.get('error'), 'login_required');

    let deliveries = await cli(['logout-deliveries', 'list', '--status', 'all', '--config', configFile]);
    for (let i = 0; i < 100 && !/delivered 1/.test(deliveries.out); i++) {
      await new Promise((r) => setTimeout(r, 50));
      deliveries = await cli(['logout-deliveries', 'list', '--status', 'all', '--config', configFile]);
    }
    assert.equal(deliveries.code, 0);
    assert.match(deliveries.out, /pending 0 {2}failed 0 {2}delivered 1/);
    assert.match(deliveries.out, /web\s+backchannel_logout\s+delivered\s+1\/15/);

    const again = await cli(['sessions', 'end', 'alice', '--config', configFile]);
    assert.match(again.out, /ended 0 sessions of alice; 0 back-channel logout tokens queued/);
  });

  it('retries a failed delivery only within its own tenant', async () => {
    const storage = server.runtime.services.storage;
    const tenantId = DEFAULT_TENANT_ID;
    await storage.tenants.upsert({ id: 'other-tenant', slug: 'other', name: 'Other', createdAt: 1 });
    // Nothing listens on port 1 of the loopback address: the single attempt fails.
    await storage.outbox.enqueue([{ id: 'doomed-row', tenantId, clientId: 'web', kind: 'test', targetUrl: 'http://127.0.0.1:1/x', headers: {}, body: '{}', maxAttempts: 1, createdAt: 1 }]);
    const failed = async () => (await storage.outbox.list({ tenantId, status: 'failed' })).find((d) => d.id === 'doomed-row');
    for (let i = 0; i < 200 && !(await failed()); i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal((await failed())?.attempts, 1);

    const foreign = await cli(['logout-deliveries', 'retry', 'doomed-row', '--tenant', 'other', '--config', configFile]);
    assert.equal(foreign.code, 1, foreign.out);
    assert.match(foreign.out, /no failed delivery doomed-row in tenant other/);
    assert.equal((await failed())?.attempts, 1, 'another tenant cannot retry the row');

    const own = await cli(['logout-deliveries', 'retry', 'doomed-row', '--config', configFile]);
    assert.equal(own.code, 0, own.out);
    assert.match(own.out, /delivery doomed-row is pending again/);
  });

  it('rejects bad arguments', async () => {
    assert.equal((await cli(['logout-deliveries', 'list', '--status', 'lost', '--config', configFile])).code, 1);
    assert.equal((await cli(['logout-deliveries', 'retry', 'no-such-id', '--config', configFile])).code, 1);
    assert.equal((await cli(['sessions', 'end', 'nobody', '--config', configFile])).code, 1);
  });
});
