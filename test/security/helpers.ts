/**
 * Starts Portcullis like test/helpers/server.ts does, but with a debug-level logger whose
 * lines are kept in memory, so tests can read every line the server wrote.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildApp } from '../../src/app.ts';
import { bootstrap } from '../../src/bootstrap.ts';
import { parseConfig } from '../../src/config/load.ts';
import { Clock, freePort, type TestServer } from '../helpers/server.ts';

export interface LoggedServer extends TestServer {
  /** Every log line written so far, raw JSON text. */
  lines: string[];
}

export async function startLoggedServer(raw: Record<string, unknown> = {}): Promise<LoggedServer> {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-sec-'));
  const port = await freePort();
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const config = parseConfig({
    issuer: `http://127.0.0.1:${port}`,
    port,
    host: '127.0.0.1',
    database: `sqlite:${join(dir, 'portcullis.db')}`,
    dataDir: dir,
    logLevel: 'debug',
    ...raw,
  });
  const logger = pino({ level: 'trace' }, sink);
  const clock = new Clock();
  const runtime = await bootstrap(config, { now: clock.now, env: {}, logger });
  const app = await buildApp({ services: runtime.services, tenants: runtime.tenants, logger });
  await app.listen({ port, host: '127.0.0.1' });
  return {
    url: `http://127.0.0.1:${port}`,
    config,
    app,
    runtime,
    clock,
    dir,
    lines,
    async close() {
      await app.close();
      await runtime.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, unknown>;
}

export async function answer(res: Response): Promise<Answer> {
  const text = await res.text();
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = {};
  }
  return { status: res.status, headers: res.headers, text, body };
}

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) }));
}

export async function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) }));
}

export const basic = (id: string, secret: string): string => `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
