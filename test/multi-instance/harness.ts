/**
 * Several Portcullis processes (`src/main.ts`, as `npm start` runs it) sharing one PostgreSQL
 * database and one Redis, as a load-balanced deployment runs them. Each test file gets its own
 * PostgreSQL schema (through `search_path`), dropped afterwards.
 *
 * DATABASE_URL and REDIS_URL name the servers. In CI (CI=true) they must be set: a missing one
 * fails the suite. Elsewhere the suite is skipped, saying which variable is unset.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

const root = new URL('../..', import.meta.url).pathname;

export interface Services {
  databaseUrl: string;
  redisUrl: string;
}

/** The servers to use, or why the suite cannot run here (a skip reason). Throws in CI when one is missing. */
export function services(): Services | string {
  const databaseUrl = process.env['DATABASE_URL'] ?? '';
  const redisUrl = process.env['REDIS_URL'] ?? '';
  const missing = [databaseUrl ? '' : 'DATABASE_URL', redisUrl ? '' : 'REDIS_URL'].filter(Boolean);
  if (missing.length === 0) return { databaseUrl, redisUrl };
  if (process.env['CI'] === 'true') throw new Error(`multi-instance tests need ${missing.join(' and ')} in CI`);
  return `${missing.join(' and ')} not set: multi-instance tests need PostgreSQL and Redis`;
}

export interface Instance {
  url: string;
  port: number;
  child: ChildProcess;
  exited: Promise<number | null>;
  stdout(): string;
  stderr(): string;
}

/** A schema of its own on the shared PostgreSQL, plus a directory for config files. */
export class Deployment {
  readonly dir = mkdtempSync(join(tmpdir(), 'portcullis-multi-'));
  readonly schema = `portcullis_multi_${process.pid}_${randomBytes(4).toString('hex')}`;
  readonly secret = randomBytes(32).toString('base64url');
  private readonly admin: pg.Pool;
  private readonly instances: Instance[] = [];

  constructor(readonly services: Services) {
    this.admin = new pg.Pool({ connectionString: services.databaseUrl, max: 2 });
  }

  /** The database URL every instance uses: the shared server, this deployment's schema. */
  get databaseUrl(): string {
    const scoped = new URL(this.services.databaseUrl);
    scoped.searchParams.set('options', `-c search_path=${this.schema}`);
    return scoped.toString();
  }

  async init(): Promise<void> {
    await this.admin.query(`create schema "${this.schema}"`);
  }

  /** Runs SQL in this deployment's schema. */
  async query<R extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<R[]> {
    const client = await this.admin.connect();
    try {
      await client.query(`set search_path to "${this.schema}"`);
      return (await client.query<R>(text, values)).rows;
    } finally {
      client.release();
    }
  }

  /** Writes a config file shared by the instances (each gets its own port through PORTCULLIS_PORT). */
  writeConfig(config: Record<string, unknown>): string {
    const file = join(this.dir, `config-${randomBytes(3).toString('hex')}.json`);
    // Redis outlives test runs and is shared by concurrent ones: each deployment keeps to its own keys.
    const redisKeyPrefix = `${this.schema}:`;
    writeFileSync(file, JSON.stringify({ host: '127.0.0.1', database: this.databaseUrl, redis: this.services.redisUrl, redisKeyPrefix, dataDir: this.dir, ...config }));
    return file;
  }

  /** Starts one process on `port` and waits until it answers /healthz. */
  async start(configFile: string, port: number, env: Record<string, string> = {}): Promise<Instance> {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'] ?? '',
        PORTCULLIS_CONFIG: configFile,
        PORTCULLIS_PORT: String(port),
        PORTCULLIS_SECRET: this.secret,
        PORTCULLIS_LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const instance: Instance = { url: `http://127.0.0.1:${port}`, port, child, exited, stdout: () => stdout, stderr: () => stderr };
    this.instances.push(instance);
    await waitHealthy(instance);
    return instance;
  }

  async close(): Promise<void> {
    for (const instance of this.instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) {
        instance.child.kill('SIGTERM');
        const timer = setTimeout(() => instance.child.kill('SIGKILL'), 10000);
        await instance.exited;
        clearTimeout(timer);
      }
    }
    try {
      await this.admin.query(`drop schema if exists "${this.schema}" cascade`);
    } finally {
      await this.admin.end();
      rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

async function waitHealthy(instance: Instance): Promise<void> {
  const deadline = Date.now() + 60000;
  while (Date.now() < deadline) {
    if (instance.child.exitCode !== null) throw new Error(`Portcullis exited with ${instance.child.exitCode}: ${instance.stderr()}`);
    try {
      if ((await fetch(`${instance.url}/healthz`)).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`Portcullis did not become healthy: ${instance.stderr()}`);
}

