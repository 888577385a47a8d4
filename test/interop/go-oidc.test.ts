/**
 * Interoperability with a Go client: coreos/go-oidc and golang.org/x/oauth2 (Debian's
 * golang-github-coreos-go-oidc-dev, built with Debian's Go in GOPATH mode). The relying party
 * (test/interop/go-oidc/rp.go) is compiled once, then run for each step, while this suite plays
 * the user in the pages. GO names the Go command (default: `go` on the PATH); never skipped.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Browser } from '../helpers/browser.ts';
import { basic, postForm } from '../helpers/http.ts';
import type { TestServer } from '../helpers/server.ts';
import { ALICE, CB, runStep, signIn, startInteropServer, type Json } from './support.ts';

const GO = process.env['GO'] ?? 'go';
const SOURCE = fileURLToPath(new URL('./go-oidc/rp.go', import.meta.url));

describe('interop: Go coreos/go-oidc', () => {
  let server: TestServer;
  let dir: string;
  let rp: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-go-oidc-'));
    rp = join(dir, 'rp');
    const build = spawnSync(GO, ['build', '-o', rp, SOURCE], {
      env: { ...process.env, GO111MODULE: 'off', GOPATH: '/usr/share/gocode', GOCACHE: process.env['GOCACHE'] ?? join(tmpdir(), 'portcullis-go-cache') },
      encoding: 'utf8',
    });
    if (build.status !== 0) {
      throw new Error(`go build failed (${build.error?.message ?? build.stderr}): install golang-go and golang-github-coreos-go-oidc-dev (this suite never skips)`);
    }
    ({ server } = await startInteropServer());
  });
  after(async () => {
    await server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('code + PKCE with client_secret_basic: ID token verified by go-oidc (signature, at_hash, nonce), UserInfo, refresh', async () => {
    const client = { issuer: server.url, client_id: 'web', client_secret: 'web-secret', redirect_uri: CB, scope: ['openid', 'profile', 'email', 'offline_access'] };
    const start = await runStep(rp, [], { op: 'authorize', ...client });
    const url = new URL(String(start['url']));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    const arrival = await signIn(new Browser(server.url), url);
    const result = await runStep(rp, [], { op: 'code', ...client, callback: arrival.callback.href, state: start['state'], nonce: start['nonce'], verifier: start['verifier'] });

    const claims = result['id_token'] as Json;
    assert.equal(claims['iss'], server.url);
    assert.equal(claims['aud'], 'web');
    const userinfo = result['userinfo'] as Json;
    assert.equal(userinfo['sub'], claims['sub']);
    assert.equal(userinfo['email'], ALICE.email);
    assert.equal(userinfo['name'], ALICE.name);

    // The refreshed ID token keeps the subject and sign-in time; the refresh token rotated.
    const refreshedClaims = result['refreshed_id_token'] as Json;
    assert.equal(refreshedClaims['sub'], claims['sub']);
    assert.equal(refreshedClaims['auth_time'], claims['auth_time']);
    assert.ok(result['refreshed_refresh_token'] && result['refreshed_refresh_token'] !== result['refresh_token'], 'rotated');
    const replay = await postForm(`${server.url}/token`, { grant_type: 'refresh_token', refresh_token: String(result['refresh_token']) }, { authorization: basic('web', 'web-secret') });
    assert.equal(replay.status, 400);
    assert.equal(replay.body['error'], 'invalid_grant');
  });

  it('a wrong client secret fails the code exchange inside x/oauth2 with invalid_client', async () => {
    const client = { issuer: server.url, client_id: 'web', client_secret: 'not-the-secret', redirect_uri: CB, scope: ['openid'] };
    const start = await runStep(rp, [], { op: 'authorize', ...client });
    const arrival = await signIn(new Browser(server.url), String(start['url']));
    await assert.rejects(
      runStep(rp, [], { op: 'code', ...client, callback: arrival.callback.href, state: start['state'], nonce: start['nonce'], verifier: start['verifier'] }),
      /token: oauth2: cannot fetch token: 401 Unauthorized\s+Response: \{"error":"invalid_client"/,
    );
  });
});
