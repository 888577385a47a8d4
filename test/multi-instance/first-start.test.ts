/**
 * Two instances started at the same moment on an empty database, as an orchestrator starts
 * replicas: they take turns preparing it, so the database ends up with one set of first keys,
 * one administrator and one copy of every provisioned client, and both serve the same keys.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/server.ts';
import { Deployment, services, type Instance } from './harness.ts';

const found = services();
const skip = typeof found === 'string' ? found : false;

describe('two instances starting together on an empty database', { skip }, () => {
  let deployment: Deployment;
  let instances: Instance[];

  before(async () => {
    if (typeof found === 'string') return;
    deployment = new Deployment(found);
    await deployment.init();
    const file = deployment.writeConfig({
      clients: [{ client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'read' }],
    });
    const ports = [await freePort(), await freePort()];
    instances = await Promise.all(ports.map((port) => deployment.start(file, port, { PORTCULLIS_LOG_LEVEL: 'info' })));
  });

  after(async () => {
    if (deployment) await deployment.close();
  });

  it('both start, and the database holds one active key per algorithm', async () => {
    const rows = await deployment.query<{ alg: string; n: string }>("select alg, count(*) as n from signing_keys where status = 'active' group by alg order by alg");
    assert.deepEqual(
      rows.map((r) => [r.alg, Number(r.n)]),
      [['ES256', 1], ['EdDSA', 1], ['PS256', 1], ['RS256', 1]],
    );
  });

  it('both publish the same keys', async () => {
    const [a, b] = await Promise.all(instances.map(async (i) => ((await (await fetch(`${i.url}/jwks`)).json()) as { keys: { kid: string }[] }).keys.map((k) => k.kid).sort()));
    assert.equal(a?.length, 4);
    assert.deepEqual(a, b);
  });

  it('one administrator is created, and its credentials are printed by one instance only', async () => {
    const admins = await deployment.query<{ n: string }>("select count(*) as n from clients where client_id = 'portcullis-admin'");
    assert.equal(Number(admins[0]?.n), 1);
    const printed = instances.filter((i) => i.stdout().includes('Portcullis created its first administrator'));
    assert.equal(printed.length, 1);
  });

  it('each provisioned client exists once, and either instance serves it', async () => {
    const rows = await deployment.query<{ n: string }>("select count(*) as n from clients where client_id = 'svc'");
    assert.equal(Number(rows[0]?.n), 1);
    for (const instance of instances) {
      const res = await fetch(`${instance.url}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('svc:svc-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&scope=read',
      });
      assert.equal(res.status, 200, await res.clone().text());
      assert.equal(((await res.json()) as { token_type: string }).token_type.toLowerCase(), 'bearer');
    }
  });
});
