/**
 * PORTCULLIS_WORKERS=2 over PostgreSQL and Redis: one worker killed with SIGKILL under load.
 * The other keeps serving, the primary starts a replacement, and every refresh token the
 * client received is usable exactly once. Also: scheduled key rotation publishes a key before
 * it signs with it, and /metrics sums every worker.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { decodeProtectedHeader } from 'jose';
import { freePort } from '../helpers/server.ts';
import { Deployment, services, until, type Instance } from './harness.ts';

const found = services();
const skip = typeof found === 'string' ? found : false;

/** The cluster workers: the primary's node children (tsx also starts an esbuild child). */
function workerPids(primary: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,comm=', '--ppid', String(primary)], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([pid, comm]) => pid && comm === 'node')
    .map(([pid]) => Number(pid));
}

describe('worker processes', { skip }, () => {
  let deployment: Deployment;
  let server: Instance;
  let tokenUrl: string;

  before(async () => {
    if (typeof found === 'string') return;
    deployment = new Deployment(found);
    await deployment.init();
    const port = await freePort();
    const file = deployment.writeConfig({
      issuer: `http://127.0.0.1:${port}`,
      features: { passwordGrant: true },
      // Rotate every 12 s, publishing each successor 10 s before it signs (more than the
      // few seconds a worker may answer JWKS requests from its cache).
      operations: { keyRotationInterval: 12, keyPublishAhead: 10 },
      lifetimes: { retiredKey: 600 },
      users: [{ username: 'dana', password: 'dana password 1' }],
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token', 'client_credentials'], response_types: [], redirect_uris: [], scope: 'openid offline_access read' }],
    });
    server = await deployment.start(file, port, { PORTCULLIS_WORKERS: '2' });
    const discovery = (await (await fetch(`${server.url}/.well-known/openid-configuration`)).json()) as { token_endpoint: string };
    tokenUrl = discovery.token_endpoint;
  });

  after(async () => {
    if (deployment) await deployment.close();
  });

  const post = (body: Record<string, string>) =>
    fetch(tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from('app:app-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(body),
    });

  it('survives kill -9 of a worker under load: a replacement starts and no refresh token is lost or usable twice', async () => {
    const primary = server.child.pid ?? 0;
    await until(() => workerPids(primary).length === 2, 'two workers');
    const before = workerPids(primary);

    // Five refresh-token chains, each rotated as fast as the client can.
    const chains: string[][] = [];
    for (let i = 0; i < 5; i++) {
      const res = await post({ grant_type: 'password', username: 'dana', password: 'dana password 1', scope: 'openid offline_access' });
      assert.equal(res.status, 200);
      chains.push([((await res.json()) as { refresh_token: string }).refresh_token]);
    }
    let running = true;
    let served = 0;
    let dropped = 0;
    const load = chains.map(async (chain) => {
      while (running) {
        const current = chain[chain.length - 1] ?? '';
        try {
          const res = await post({ grant_type: 'refresh_token', refresh_token: current });
          const body = (await res.json()) as { refresh_token?: string; error?: string };
          if (res.status === 200 && body.refresh_token) {
            chain.push(body.refresh_token);
            served++;
          } else {
            // The previous attempt died with its worker after rotating: this chain ends here.
            assert.equal(body.error, 'invalid_grant');
            return;
          }
        } catch {
          // The connection went down with the killed worker; whether the token was rotated is
          // unknown to the client, so it stops using this chain.
          dropped++;
          return;
        }
      }
    });

    await until(() => served >= 20, 'load to run');
    const victim = before[0] ?? 0;
    process.kill(victim, 'SIGKILL');
    await until(() => served >= 60, 'the surviving worker to keep serving');
    await until(() => {
      const now = workerPids(primary);
      return now.length === 2 && !now.includes(victim);
    }, 'a replacement worker');
    running = false;
    await Promise.all(load);
    assert.ok(dropped <= chains.length);

    // Every refresh token the client holds as its latest works once, then never again.
    for (const chain of chains) {
      const latest = chain[chain.length - 1] ?? '';
      const first = await post({ grant_type: 'refresh_token', refresh_token: latest });
      const firstBody = (await first.json()) as { refresh_token?: string; error?: string };
      if (first.status !== 200) {
        // Only a chain whose last request was cut off may have lost its latest token to that request.
        assert.equal(firstBody.error, 'invalid_grant');
        continue;
      }
      const second = await post({ grant_type: 'refresh_token', refresh_token: latest });
      assert.equal(second.status, 400);
      assert.equal(((await second.json()) as { error: string }).error, 'invalid_grant');
    }
    // Tokens rotated earlier in a chain are spent.
    const spent = await post({ grant_type: 'refresh_token', refresh_token: chains[0]?.[0] ?? '' });
    assert.equal(spent.status, 400);
  });

  it('publishes a scheduled key before signing with it, on every worker', async () => {
    const jwks = async () => ((await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; alg: string }> }).keys;
    const signingKid = async () => {
      const res = await post({ grant_type: 'client_credentials', scope: 'read' });
      return decodeProtectedHeader(((await res.json()) as { access_token: string }).access_token).kid ?? '';
    };
    const first = await signingKid();
    const seen = new Set<string>();
    let signedWith = first;
    // Each kid the server signs with must have been in the JWKS before it was first used.
    await until(async () => {
      for (const k of await jwks()) seen.add(k.kid);
      const kid = await signingKid();
      if (kid !== signedWith) {
        assert.ok(seen.has(kid), `key ${kid} was published before it signed`);
        signedWith = kid;
      }
      return signedWith !== first;
    }, 'a scheduled rotation', 60000);
    // The previous key stays published for tokens it signed.
    assert.ok((await jwks()).some((k) => k.kid === first));
  });

  it('answers /metrics with the sum over every worker', async () => {
    const res = await fetch(`${server.url}/metrics`);
    assert.equal(res.status, 200);
    const text = await res.text();
    const line = /^portcullis_tokens_issued_total\{grant_type="refresh_token",tenant=""\} (\d+)$/m.exec(text);
    // At least the 40 served after the kill, by the surviving and the replacement worker
    // (the killed worker's own counts went with it).
    assert.ok(line && Number(line[1]) >= 40, 'refresh tokens counted across workers');
    assert.match(text, /^portcullis_db_pool_connections\{state="total"\} \d+$/m);
  });
});
