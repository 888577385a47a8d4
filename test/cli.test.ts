/** The `portcullis` command line, run in-process (and once through bin/ as an operator would). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/cli/main.ts';
import type { Io } from '../src/cli/command.ts';
import { freePort, startServer } from './helpers/server.ts';

const root = new URL('..', import.meta.url).pathname;

interface Run {
  code: number;
  out: string;
  err: string;
}

describe('portcullis CLI', () => {
  let dir: string;
  let configFile: string;
  let port: number;

  async function cli(...argv: string[]): Promise<Run> {
    let out = '';
    let err = '';
    const io: Io = { out: (l) => (out += `${l}\n`), err: (l) => (err += `${l}\n`), env: { PORTCULLIS_CONFIG: configFile, PORTCULLIS_PASSWORD: 'from-env-pw' } };
    const code = await main(argv, io);
    return { code, out, err };
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'portcullis-cli-'));
    port = await freePort();
    configFile = join(dir, 'config.json');
    writeFileSync(configFile, JSON.stringify({ issuer: `http://127.0.0.1:${port}`, port, database: `sqlite:${join(dir, 'portcullis.db')}`, dataDir: dir, logLevel: 'silent' }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('prints help for every command and exits non-zero on unknown ones', async () => {
    const help = await cli('--help');
    assert.equal(help.code, 0);
    for (const name of ['serve', 'migrate', 'keys', 'clients', 'users', 'tenants', 'sessions', 'logout-deliveries']) {
      assert.match(help.out, new RegExp(`\\b${name}\\b`));
      const sub = await cli(name, '--help');
      assert.equal(sub.code, 0, name);
      assert.match(sub.out, new RegExp(`portcullis ${name}`));
    }
    const unknown = await cli('frobnicate');
    assert.equal(unknown.code, 2);
    assert.match(unknown.err, /unknown command "frobnicate"/);
    const badFlag = await cli('keys', 'list', '--bogus');
    assert.equal(badFlag.code, 1);
    assert.match(badFlag.err, /bogus/);
  });

  it('migrates, and rotation publishes the new key first while the old one stays listed', async () => {
    assert.equal((await cli('migrate')).code, 0);
    const before = await cli('keys', 'list');
    const oldRs = /^(\S+)\s+RS256\s+active/m.exec(before.out)?.[1];
    assert.ok(oldRs, before.out);
    const rotated = await cli('keys', 'rotate', '--alg', 'RS256');
    assert.equal(rotated.code, 0, rotated.err);
    const newRs = /rotated: RS256 (\S+)/.exec(rotated.out)?.[1];
    assert.ok(newRs && newRs !== oldRs);

    const server = await startServer({}, { dir, port });
    try {
      const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: Array<{ kid: string; alg: string }> };
      const rs = jwks.keys.filter((k) => k.alg === 'RS256').map((k) => k.kid);
      assert.deepEqual(rs, [newRs, oldRs], 'new key first, old key still published');
    } finally {
      await server.close();
    }
    const badAlg = await cli('keys', 'rotate', '--alg', 'HS256');
    assert.equal(badAlg.code, 1);
    assert.match(badAlg.err, /unknown algorithm HS256/);
  });

  it('adds tenants, users and clients, and refuses bad input without writing it', async () => {
    assert.equal((await cli('tenants', 'add', 'acme', '--name', 'Acme')).code, 0);
    assert.equal((await cli('tenants', 'add', 'acme')).code, 1, 'duplicate slug');
    assert.equal((await cli('tenants', 'add', 'Not A Slug')).code, 1);
    const reserved = await cli('tenants', 'add', 'default');
    assert.equal(reserved.code, 1, 'the default tenant\'s id is not a slug');
    assert.match(reserved.err, /SLUG default is reserved/);
    assert.match((await cli('tenants', 'list')).out, /acme\s+Acme\s+http:\/\/127\.0\.0\.1:\d+\/t\/acme/);

    const added = await cli('users', 'add', 'carol', '--tenant', 'acme', '--claims', '{"email":"carol@example.com"}');
    assert.equal(added.code, 0, added.err);
    assert.equal((await cli('users', 'add', 'carol', '--tenant', 'acme')).code, 1, 'duplicate user');
    assert.equal((await cli('users', 'add', 'dave', '--claims', '{"email_verified":"yes"}')).code, 1, 'claims are validated');
    assert.match((await cli('users', 'list', '--tenant', 'acme')).out, /carol\s+\S+\s+carol@example\.com/);
    assert.doesNotMatch((await cli('users', 'list')).out, /carol/, 'tenants are isolated');
    assert.equal((await cli('users', 'set-password', 'carol', '--tenant', 'acme', '--password', 'new-password')).code, 0);
    assert.equal((await cli('users', 'remove', 'nobody', '--tenant', 'acme')).code, 1);

    const client = await cli('clients', 'add', 'app', '--tenant', 'acme', '--redirect-uri', 'https://app.example.com/cb', '--name', 'App');
    assert.equal(client.code, 0, client.err);
    assert.match(client.out, /client_secret: pc_cs_\S{40,}/);
    const bad = await cli('clients', 'add', 'bad', '--redirect-uri', 'https://app.example.com/cb#frag');
    assert.equal(bad.code, 1);
    assert.match(bad.err, /redirect_uris\[0\].*fragment/);
    const listed = await cli('clients', 'list', '--tenant', 'acme');
    assert.match(listed.out, /app\s+App\s+client_secret_basic\s+admin/);
    assert.doesNotMatch((await cli('clients', 'list')).out, /\bbad\b/);
    assert.equal((await cli('clients', 'remove', 'app', '--tenant', 'acme')).code, 0);
    assert.equal((await cli('clients', 'remove', 'app', '--tenant', 'acme')).code, 1);
  });

  it('lists and ends sessions, and shows logout deliveries', async () => {
    const listed = await cli('sessions', 'list', 'carol', '--tenant', 'acme');
    assert.equal(listed.code, 0, listed.err);
    assert.match(listed.out, /^SID\s+SIGNED IN\s+EXPIRES/);
    const ended = await cli('sessions', 'end', 'carol', '--tenant', 'acme');
    assert.equal(ended.code, 0, ended.err);
    assert.match(ended.out, /ended 0 sessions of carol; 0 back-channel logout tokens queued/);
    assert.equal((await cli('sessions', 'end', 'carol', '--tenant', 'acme', '--sid', 'nope')).code, 1);
    assert.equal((await cli('sessions', 'list', 'nobody', '--tenant', 'acme')).code, 1);

    const deliveries = await cli('logout-deliveries', 'list', '--tenant', 'acme');
    assert.equal(deliveries.code, 0, deliveries.err);
    assert.match(deliveries.out, /^pending 0 {2}failed 0 {2}delivered 0$/m);
    assert.equal((await cli('logout-deliveries', 'list', '--status', 'lost')).code, 1);
    const retry = await cli('logout-deliveries', 'retry', 'nope', '--tenant', 'acme');
    assert.equal(retry.code, 1);
    assert.match(retry.err, /no failed delivery nope in tenant acme/);
  });

  it('runs from bin/ as `portcullis`', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, [join(root, 'bin/portcullis.js'), 'tenants', 'list'], { env: { PATH: process.env['PATH'] ?? '', PORTCULLIS_CONFIG: configFile } });
    assert.match(stdout, /\(default\)/);
    await assert.rejects(promisify(execFile)(process.execPath, [join(root, 'bin/portcullis.js'), 'keys', 'list', '--tenant', 'missing'], { env: { PATH: process.env['PATH'] ?? '', PORTCULLIS_CONFIG: configFile } }), (err: { code?: number; stderr?: string }) => err.code === 1 && /unknown tenant "missing"/.test(err.stderr ?? ''));
  });
});
