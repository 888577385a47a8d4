/**
 * Starts a real Portcullis on a loopback port with a temporary SQLite database, for tests that
 * drive it with real clients. Time can be frozen or moved through `clock`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import { buildApp } from '../../src/app.ts';
import { bootstrap, type Runtime } from '../../src/bootstrap.ts';
import { parseConfig } from '../../src/config/load.ts';
import type { Config } from '../../src/config/schema.ts';

export interface TestServer {
  url: string;
  config: Config;
  app: FastifyInstance;
  runtime: Runtime;
  clock: Clock;
  dir: string;
  close(): Promise<void>;
}

/** Epoch-seconds clock that follows wall time plus an offset tests can advance. */
export class Clock {
  offset = 0;
  now = (): number => Math.floor(Date.now() / 1000) + this.offset;
  advance(seconds: number): void {
    this.offset += seconds;
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export interface StartOptions {
  /** Reuse a directory (database + secret) to test restarts. */
  dir?: string;
  port?: number;
  /** Where the server logs; without one, nothing is logged. */
  logger?: Logger;
}

export async function startServer(raw: Record<string, unknown> = {}, options: StartOptions = {}): Promise<TestServer> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'portcullis-test-'));
  const port = options.port ?? (await freePort());
  const config = parseConfig({
    issuer: `http://127.0.0.1:${port}`,
    port,
    host: '127.0.0.1',
    database: `sqlite:${join(dir, 'portcullis.db')}`,
    dataDir: dir,
    logLevel: 'silent',
    ...raw,
  });
  const clock = new Clock();
  const runtime = await bootstrap(config, { now: clock.now, env: {}, logger: options.logger ?? pino({ level: 'silent' }) });
  const app = await buildApp({ services: runtime.services, tenants: runtime.tenants, ...(options.logger ? { logger: options.logger } : {}) });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    runtime,
    clock,
    dir,
    async close() {
      await app.close();
      await runtime.close();
      if (!options.dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
