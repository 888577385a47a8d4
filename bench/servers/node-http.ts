/** A node:http server on a free loopback port, for benchmark children that bring their own request listener. */
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RunningServer } from './child.ts';

/** Listens on 127.0.0.1; `attach` receives the issuer URL and returns the listener. */
export async function serveHttp(attach: (url: string) => RequestListener): Promise<RunningServer> {
  const server = createServer();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
  const url = `http://127.0.0.1:${port}`;
  server.on('request', attach(url));
  return {
    url,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
