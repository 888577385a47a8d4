/**
 * A loopback HTTP server standing in for the operator's CIBA notification webhook and the
 * clients' notification endpoints: it records every POST (path, headers, JSON body).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  body: Record<string, unknown>;
}

export class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
        } catch {
          body = { unparsable: true };
        }
        this.received.push({ path: req.url ?? '', authorization: req.headers.authorization, contentType: req.headers['content-type'], body });
        res.writeHead(204);
        res.end();
      });
    });
    this.server = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  /** The first recorded POST matching `match`; fails after `ms` without one (a safety net, not a timing assertion). */
  async waitFor(match: (r: Received) => boolean, ms = 15_000): Promise<Received> {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = this.received.find(match);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`nothing matching arrived; received: ${JSON.stringify(this.received.map((r) => r.path))}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
