/**
 * Benchmark child: Portcullis through src/main.ts in its own process, as `npm start` runs it
 * but from the sources under tsx rather than the compiled dist/main.js, with PORTCULLIS_WORKERS
 * worker processes, configured with the service client and resources of
 * bench/api-fixtures.ts. argv[2] is the number of workers; argv[3] is `sqlite` (a temporary
 * database file) or `postgres` (DATABASE_URL with a schema of its own, plus REDIS_URL).
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from '../../test/helpers/server.ts';
import { PORTCULLIS_RESOURCES, SERVICE_REGISTRATION } from '../api-fixtures.ts';
import { serveChild } from './child.ts';

const root = new URL('../..', import.meta.url).pathname;
const workers = process.argv[2] ?? '1';
const backend = process.argv[3] === 'postgres' ? 'postgres' : 'sqlite';

async function healthy(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(`${url}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Portcullis did not answer ${url}/healthz within 60 s`);
}

await serveChild(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-bench-'));
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const schema = `portcullis_bench_${process.pid}_${randomBytes(3).toString('hex')}`;
  let admin: pg.Pool | undefined;
  let storage: Record<string, unknown> = { database: `sqlite:${join(dir, 'portcullis.db')}` };
  if (backend === 'postgres') {
    const databaseUrl = process.env['DATABASE_URL'];
    const redis = process.env['REDIS_URL'];
    if (!databaseUrl || !redis) throw new Error('the postgres row needs DATABASE_URL and REDIS_URL');
    admin = new pg.Pool({ connectionString: databaseUrl, max: 1 });
    await admin.query(`create schema "${schema}"`);
    const scoped = new URL(databaseUrl);
    scoped.searchParams.set('options', `-c search_path=${schema}`);
    storage = { database: scoped.toString(), redis, redisKeyPrefix: `${schema}:` };
  }
  const configFile = join(dir, 'config.json');
  writeFileSync(
    configFile,
    JSON.stringify({
      issuer: url,
      port,
      host: '127.0.0.1',
      dataDir: dir,
      logLevel: 'warn',
      ...storage,
      clients: [SERVICE_REGISTRATION],
      resources: PORTCULLIS_RESOURCES,
    }),
  );
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', PORTCULLIS_CONFIG: configFile, PORTCULLIS_WORKERS: workers, PORTCULLIS_SECRET: randomBytes(32).toString('base64url') },
    stdio: 'ignore',
  });
  const exited = new Promise<void>((resolve) => server.on('exit', () => resolve()));
  await healthy(url);
  return {
    url,
    async close() {
      server.kill('SIGTERM');
      await exited;
      if (admin) {
        await admin.query(`drop schema if exists "${schema}" cascade`);
        await admin.end();
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
