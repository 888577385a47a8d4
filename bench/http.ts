/**
 * The load generator's HTTP client: HTTP/1.1 written to and read from keep-alive TCP sockets
 * directly, one request at a time per socket.
 *
 * The client shares the machine's cores with the server under test, so whatever it spends per
 * request is taken from a server that can use both cores. Per round trip, node:http (its agent,
 * streams and message objects) cost this client about 1.6 times the CPU that this parser does,
 * and WHATWG `fetch` three times node:http (bench/README.md). It reads what the servers under
 * test send: a status line, headers, then a body framed by Content-Length, by chunked transfer
 * coding, or by the end of the connection.
 */
import { connect, type Socket } from 'node:net';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const TIMEOUT_MS = 10_000;
const CRLF = Buffer.from('\r\n');
const HEADER_END = Buffer.from('\r\n\r\n');

interface Exchange {
  resolve: (reply: Reply) => void;
  reject: (err: Error) => void;
}

/** The server closed a kept-alive socket before any byte of the answer: the request may go again on a new one. */
class Unanswered extends Error {}

/** Where a complete response ends in `buffer`, and the reply; undefined while more bytes are needed. */
function parseResponse(buffer: Buffer, ended: boolean): { reply: Reply; close: boolean } | undefined {
  const headerEnd = buffer.indexOf(HEADER_END);
  if (headerEnd < 0) return undefined;
  const lines = buffer.toString('latin1', 0, headerEnd).split('\r\n');
  const status = Number(lines[0]?.split(' ')[1]);
  const headers: Record<string, string | string[]> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    const seen = headers[name];
    if (name === 'set-cookie') headers[name] = [...(Array.isArray(seen) ? seen : []), value];
    else if (seen === undefined) headers[name] = value;
  }
  const close = String(headers['connection'] ?? '').toLowerCase() === 'close';
  const start = headerEnd + HEADER_END.length;
  const done = (body: Buffer) => ({ reply: { status, headers, body: body.toString('utf8') }, close });
  // RFC 9112 §6.3: these never have a body, whatever the headers say.
  if (status === 204 || status === 304 || (status >= 100 && status < 200)) return done(Buffer.alloc(0));
  const length = headers['content-length'];
  if (typeof length === 'string') {
    const end = start + Number(length);
    return buffer.length >= end ? done(buffer.subarray(start, end)) : undefined;
  }
  if (String(headers['transfer-encoding'] ?? '').toLowerCase().includes('chunked')) {
    const chunks: Buffer[] = [];
    let at = start;
    for (;;) {
      const lineEnd = buffer.indexOf(CRLF, at);
      if (lineEnd < 0) return undefined;
      const size = parseInt(buffer.toString('latin1', at, lineEnd), 16);
      // The last chunk, then optional trailer fields, then an empty line (RFC 9112 §7.1).
      if (size === 0) return buffer.indexOf(HEADER_END, lineEnd) >= 0 ? done(Buffer.concat(chunks)) : undefined;
      if (buffer.length < lineEnd + 2 + size + 2) return undefined;
      chunks.push(buffer.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
  }
  // Neither: the body runs to the end of the connection.
  return ended ? { ...done(buffer.subarray(start)), close: true } : undefined;
}

class Connection {
  private buffer: Buffer = Buffer.alloc(0);
  private exchange: Exchange | undefined;
  private readonly socket: Socket;
  /** Why the socket was destroyed, when it was for an error (a timeout, a malformed response). */
  private failure: Error | undefined;

  constructor(host: string, port: number, onIdle: (c: Connection) => void, onClosed: (c: Connection) => void) {
    this.socket = connect({ host, port, noDelay: true });
    this.socket.setTimeout(TIMEOUT_MS);
    this.socket.on('data', (chunk: Buffer) => {
      this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
      this.settle(false, onIdle);
    });
    this.socket.on('end', () => this.settle(true, onIdle));
    this.socket.on('timeout', () => this.socket.destroy(new Error(`no answer in ${TIMEOUT_MS} ms`)));
    this.socket.on('error', (err) => (this.failure = err));
    this.socket.on('close', () => {
      onClosed(this);
      const pending = this.exchange;
      this.exchange = undefined;
      if (!pending) return;
      if (this.failure) pending.reject(this.failure);
      else if (this.buffer.length === 0) pending.reject(new Unanswered('the server closed the connection'));
      else pending.reject(new Error('the server closed the connection in the middle of a response'));
    });
  }

  send(request: string, exchange: Exchange): void {
    this.exchange = exchange;
    this.socket.write(request, 'utf8');
  }

  private settle(ended: boolean, onIdle: (c: Connection) => void): void {
    const exchange = this.exchange;
    if (!exchange) {
      // Bytes nobody asked for: the connection can no longer be trusted.
      if (this.buffer.length > 0 || ended) this.socket.destroy();
      return;
    }
    let parsed;
    try {
      parsed = parseResponse(this.buffer, ended);
    } catch (err) {
      this.socket.destroy(err as Error);
      return;
    }
    if (!parsed) {
      if (ended) this.socket.destroy();
      return;
    }
    this.exchange = undefined;
    this.buffer = Buffer.alloc(0);
    if (parsed.close || ended) this.socket.destroy();
    else onIdle(this);
    exchange.resolve(parsed.reply);
  }

  destroy(): void {
    this.socket.destroy();
  }
}

export class HttpClient {
  /** Idle keep-alive connections per `host:port`. */
  private readonly idle = new Map<string, Connection[]>();
  private readonly all = new Set<Connection>();

  send(url: URL | string, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<Reply> {
    const target = typeof url === 'string' ? new URL(url) : url;
    const lines = [`${method} ${target.pathname}${target.search} HTTP/1.1`, `host: ${target.host}`];
    for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
    if (body !== undefined) lines.push(`content-length: ${Buffer.byteLength(body)}`);
    const request = `${lines.join('\r\n')}\r\n\r\n${body ?? ''}`;
    return this.exchange(target, request, method, false);
  }

  private exchange(target: URL, request: string, method: string, retried: boolean): Promise<Reply> {
    let pool = this.idle.get(target.host);
    if (!pool) this.idle.set(target.host, (pool = []));
    const idle = pool;
    let connection = pool.pop();
    const reused = connection !== undefined;
    if (!connection) {
      connection = new Connection(
        target.hostname,
        Number(target.port || 80),
        (c) => idle.push(c),
        (c) => {
          this.all.delete(c);
          const at = idle.indexOf(c);
          if (at >= 0) idle.splice(at, 1);
        },
      );
      this.all.add(connection);
    }
    const open = connection;
    return new Promise<Reply>((resolve, reject) => open.send(request, { resolve, reject })).catch((err: Error) => {
      // A kept-alive socket the server closed just before this request: once more on a new one.
      if (reused && !retried && err instanceof Unanswered) return this.exchange(target, request, method, true);
      throw new Error(`${method} ${target.pathname}: ${err.message}`);
    });
  }

  close(): void {
    for (const connection of this.all) connection.destroy();
    this.all.clear();
    this.idle.clear();
  }
}
