/**
 * Starts Portcullis through test/helpers/server.ts, but with a debug-level logger whose
 * lines are kept in memory, so tests can read every line the server wrote.
 */
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { startServer, type TestServer } from '../helpers/server.ts';

export interface LoggedServer extends TestServer {
  /** Every log line written so far, raw JSON text. */
  lines: string[];
}

export async function startLoggedServer(raw: Record<string, unknown> = {}): Promise<LoggedServer> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter((l) => l !== ''));
      done();
    },
  });
  const server = await startServer({ logLevel: 'debug', ...raw }, { logger: pino({ level: 'trace' }, sink) });
  return Object.assign(server, { lines });
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
