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
import { until } from '../helpers/until.ts';
import { Deployment, services, type Instance } from './harness.ts';

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
      // Rotate every 2 s, publishing each successor 10 s before it signs (more than the few
      // seconds a worker may answer JWKS requests from its cache): a key signs for 10 s.
      operations: { keyRotationInterval: 2, keyPublishAhead: 10 },
      lifetimes: { retiredKey: 600 },
      users: [{ username: 'dana', password: 'dana password 1' }],
      clients: [{ client_id: 'app', client_secret: 'app-secret', grant_types: ['password', 'refresh_token', 'client_credentials'], response_types: [], redirect_uris: [], scope: 'openid offline_access read' }],
    });
    server = await deployment.start(file, port, { PORTCULLIS_WORKERS: '2', PORTCULLIS_LOG_LEVEL: 'info' });
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
      // A connection handed to the worker just as it was killed can stay open with no answer:
      // a real client gives up on it, as this one does.
      signal: AbortSignal.timeout(10000),
    });

  it('survives kill -9 of a worker under load: a replacement starts and no refresh token is lost or usable twice', async () => {
    const primary = server.child.pid ?? 0;
    await until(() => workerPids(primary).length === 2, 'two workers');
    const before = workerPids(primary);

    // Five clients, each rotating a refresh token as fast as it can. A client whose request is
    // cut off does not know whether its token was rotated: it keeps that chain for the checks
    // below and starts a new one, so the load goes on.
    const chains: string[][] = [];
    const cutOff = new Set<string[]>();
    let running = true;
    let served = 0;
    let dropped = 0;
    const startChain = async (): Promise<string[] | undefined> => {
      try {
        const res = await post({ grant_type: 'password', username: 'dana', password: 'dana password 1', scope: 'openid offline_access' });
        if (res.status !== 200) return undefined;
        const chain = [((await res.json()) as { refresh_token: string }).refresh_token];
        chains.push(chain);
        return chain;
      } catch {
        return undefined;
      }
    };
    const load = [1, 2, 3, 4, 5].map(async () => {
      let chain = await startChain();
      while (running) {
        if (!chain) {
          chain = await startChain();
          continue;
        }
        try {
          const res = await post({ grant_type: 'refresh_token', refresh_token: chain[chain.length - 1] ?? '' });
          const body = (await res.json()) as { refresh_token?: string; error?: string };
          assert.equal(res.status, 200, `a held refresh token is refused: ${body.error}`);
          chain.push(body.refresh_token ?? '');
          served++;
        } catch (err) {
          if (err instanceof assert.AssertionError) throw err;
          dropped++;
          cutOff.add(chain);
          chain = undefined;
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
    assert.ok(chains.length >= 5);
    assert.ok(dropped <= chains.length);

    // Every refresh token the client holds as its latest works once, then never again.
    for (const chain of chains) {
      const latest = chain[chain.length - 1] ?? '';
      const first = await post({ grant_type: 'refresh_token', refresh_token: latest });
      const firstBody = (await first.json()) as { refresh_token?: string; error?: string };
      if (cutOff.has(chain) && first.status !== 200) {
        // The request cut off by the kill rotated this token before the worker died.
        assert.equal(firstBody.error, 'invalid_grant');
        continue;
      }
      assert.equal(first.status, 200, `the latest refresh token of a chain is usable: ${firstBody.error}`);
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

  it('drains every worker on SIGTERM and exits 0', async () => {
    const primary = server.child.pid ?? 0;
    const workers = workerPids(primary);
    assert.equal(workers.length, 2);
    const inFlight = Array.from({ length: 10 }, () => post({ grant_type: 'client_credentials', scope: 'read' }));
    server.child.kill('SIGTERM');
    const statuses = await Promise.allSettled(inFlight);
    assert.equal(await server.exited, 0, server.stdout().split('\n').filter((l) => !l.includes('"request"')).slice(-15).join('\n'));
    // Answered (200), or turned away with 503 when it reached a worker already draining, so a
    // balancer retries it elsewhere; never left hanging or failed halfway.
    for (const result of statuses) if (result.status === 'fulfilled') assert.ok([200, 503].includes(result.value.status), String(result.value.status));
    for (const pid of workers) assert.throws(() => process.kill(pid, 0), 'the worker is gone');
  });
});
