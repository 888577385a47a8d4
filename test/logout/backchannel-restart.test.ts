/**
 * The durable outbox as an operator sees it: Portcullis runs as real processes (`src/main.ts`,
 * as `npm start`), the relying party's back-channel receiver is down when the user logs out,
 * Portcullis is stopped and started again on the same database, the receiver comes back, and
 * it receives exactly one logout token. `portcullis logout-deliveries list` shows the way.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { createRemoteJWKSet, decodeJwt, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { main } from '../../src/cli/main.ts';
import { Browser } from '../helpers/browser.ts';
import { freePort } from '../helpers/server.ts';
import { until } from '../helpers/until.ts';
import { ALICE, CB, rawGet, Receiver, rp, signIn } from './helpers.ts';

const root = new URL('../..', import.meta.url).pathname;
const EVENT = 'http://schemas.openid.net/event/backchannel-logout';

function startPortcullis(configFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORTCULLIS_CONFIG: configFile, PORTCULLIS_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function waitHealthy(url: string): Promise<void> {
  const deadline = Date.now() + 30000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('Portcullis did not become healthy');
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const code = await main(args, { out: (l) => lines.push(l), err: (l) => lines.push(l), env: {} });
  return { code, out: lines.join('\n') };
}

describe('back-channel logout through the outbox', () => {
  it('delivers exactly one logout token to a receiver that was down, across a Portcullis restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-outbox-'));
    const port = await freePort();
    const receiver = new Receiver(await freePort());
    const issuer = `http://127.0.0.1:${port}`;
    const configFile = join(dir, 'portcullis.json');
    writeFileSync(
      configFile,
      JSON.stringify({
        issuer, port, host: '127.0.0.1', database: `sqlite:${join(dir, 'db.sqlite')}`, dataDir: dir,
        outbox: { retryBaseMs: 50, retryMaxMs: 400, pollIntervalMs: 50, breakerThreshold: 3, breakerCooldownMs: 200, timeoutMs: 2000 },
        users: [ALICE],
        clients: [{
          client_id: 'web', client_secret: 'web-secret', redirect_uris: [CB], post_logout_redirect_uris: ['http://127.0.0.1:5999/bye'],
          scope: 'openid profile', skip_consent: true, backchannel_logout_uri: `${receiver.url}/bc`, backchannel_logout_session_required: true,
        }],
      }),
    );
    let first = startPortcullis(configFile);
    let second: ReturnType<typeof startPortcullis> | undefined;
    try {
      await waitHealthy(issuer);
      const browser = new Browser(issuer);
      const config = await rp(issuer, 'web', 'web-secret');
      const tokens = await signIn(browser, config);
      const idClaims = decodeJwt(tokens.id_token ?? '');

      // The receiver is down: nothing listens on its port.
      const res = await rawGet(browser, oidc.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? '', post_logout_redirect_uri: 'http://127.0.0.1:5999/bye', state: 'st' }).href);
      assert.equal(res.status, 302);
      assert.equal(res.headers.get('location'), 'http://127.0.0.1:5999/bye?state=st');

      // The dispatcher tries, fails, and keeps the delivery pending (visible from the CLI).
      await until(async () => /\bpending\s+1\b/.test((await cli(['logout-deliveries', 'list', '--config', configFile])).out) && /ECONNREFUSED/.test((await cli(['logout-deliveries', 'list', '--config', configFile])).out), 'a failed attempt');
      const listed = await cli(['logout-deliveries', 'list', '--config', configFile]);
      assert.equal(listed.code, 0);
      assert.match(listed.out, /pending 1 {2}failed 0 {2}delivered 0/);
      assert.match(listed.out, /web\s+backchannel_logout\s+pending/);

      first.child.kill('SIGTERM');
      assert.equal(await first.exited, 0, first.stderr());

      // The receiver comes back while Portcullis is down; then Portcullis starts again.
      await receiver.start();
      assert.equal(receiver.posts().length, 0);
      second = startPortcullis(configFile);
      await waitHealthy(issuer);
      await receiver.until(() => receiver.posts().length >= 1, 30000);
      await until(async () => /pending 0 {2}failed 0 {2}delivered 1/.test((await cli(['logout-deliveries', 'list', '--config', configFile, '--status', 'all'])).out), 'the delivery to be recorded');

      const posts = receiver.posts();
      assert.equal(posts.length, 1, 'exactly one logout token');
      const post = posts[0];
      assert.ok(post);
      assert.equal(post.contentType, 'application/x-www-form-urlencoded');
      const token = new URLSearchParams(post.body).get('logout_token') ?? '';
      const { payload, protectedHeader } = await jwtVerify(token, createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`)), { issuer, audience: 'web', typ: 'logout+jwt' });
      assert.equal(protectedHeader.typ, 'logout+jwt');
      assert.deepEqual(payload['events'], { [EVENT]: {} });
      assert.equal(payload['sid'], idClaims['sid']);
      assert.equal(payload.sub, idClaims.sub);
      assert.equal(payload['nonce'], undefined);
      assert.ok(payload.jti && payload.iat && payload.exp);

      second.child.kill('SIGTERM');
      assert.equal(await second.exited, 0, second.stderr());
      assert.equal(receiver.posts().length, 1, 'still exactly one after shutdown');
    } finally {
      first.child.kill('SIGKILL');
      second?.child.kill('SIGKILL');
      await receiver.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
