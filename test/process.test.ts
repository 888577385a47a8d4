/**
 * The server as an operator runs it: a real process started like `npm start`, with a config file.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { freePort } from './helpers/server.ts';
import { threadNice } from './helpers/threads.ts';

const root = new URL('..', import.meta.url).pathname;

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', PORTCULLIS_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => stderr };
}

async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('server did not become healthy');
}

describe('process', () => {
  it('starts with a config file, serves discovery, and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-proc-'));
    const port = await freePort();
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ issuer: `http://127.0.0.1:${port}`, port, host: '127.0.0.1', database: `sqlite:${join(dir, 'db.sqlite')}`, dataDir: dir }));
    const proc = start({ PORTCULLIS_CONFIG: file });
    try {
      await waitHealthy(`http://127.0.0.1:${port}`, 20000);
      const res = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`);
      assert.equal(((await res.json()) as { issuer: string }).issuer, `http://127.0.0.1:${port}`);
      if (process.platform === 'linux') {
        // operations.helperThreadNice (19): every thread but the event loop yields to it.
        const pid = proc.child.pid as number;
        const nice = threadNice(pid);
        assert.equal(nice.get(pid), 0);
        nice.delete(pid);
        // libuv's pool (4), V8's helpers and the SQLite checkpoint worker.
        assert.ok(nice.size >= 6, `only ${nice.size} other threads`);
        for (const [tid, value] of nice) assert.equal(value, 19, `thread ${tid}`);
      }
      proc.child.kill('SIGTERM');
      assert.equal(await proc.exited, 0);
    } finally {
      proc.child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses a bad config before listening, naming the key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-proc-'));
    const file = join(dir, 'config.json');
    writeFileSync(file, JSON.stringify({ port: 'eighty', dataDir: dir }));
    const proc = start({ PORTCULLIS_CONFIG: file });
    const code = await proc.exited;
    assert.notEqual(code, 0);
    assert.match(proc.stderr(), /port: must be an integer/);
    writeFileSync(file, JSON.stringify({ surprise: true }));
    const again = start({ PORTCULLIS_CONFIG: file });
    assert.notEqual(await again.exited, 0);
    assert.match(again.stderr(), /surprise: unknown key/);
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses invalid client metadata at startup, naming the client and field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-proc-'));
    const file = join(dir, 'config.json');
    const port = await freePort();
    writeFileSync(file, JSON.stringify({
      port, host: '127.0.0.1', dataDir: dir, database: `sqlite:${join(dir, 'db.sqlite')}`,
      clients: [{ client_id: 'web', client_secret: 's', redirect_uris: ['https://app.example/cb#frag'] }],
    }));
    const proc = start({ PORTCULLIS_CONFIG: file });
    assert.notEqual(await proc.exited, 0);
    assert.match(proc.stderr(), /clients\[0\].*web.*redirect_uris\[0\].*fragment/);
    rmSync(dir, { recursive: true, force: true });
  });
});
