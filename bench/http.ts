/**
 * The load generator's HTTP client: node:http over keep-alive sockets, one per worker at most.
 *
 * The client shares the machine's two cores with the server under test, so whatever it spends
 * per request is taken from the server. WHATWG `fetch` costs several times more CPU per request
 * than node:http, which squeezed every server's figure toward the client's own ceiling.
 */
import { Agent, request } from 'node:http';

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const TIMEOUT_MS = 10_000;

export class HttpClient {
  private readonly agent: Agent;

  constructor(maxSockets: number) {
    this.agent = new Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets });
  }

  send(url: URL | string, method: 'GET' | 'POST', headers: Record<string, string>, body?: string): Promise<Reply> {
    return new Promise((resolve, reject) => {
      const target = typeof url === 'string' ? new URL(url) : url;
      const all = body === undefined ? headers : { ...headers, 'content-length': String(Buffer.byteLength(body)) };
      const req = request(
        { agent: this.agent, host: target.hostname, port: target.port, path: target.pathname + target.search, method, headers: all, timeout: TIMEOUT_MS },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${target.pathname}: no answer in ${TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
