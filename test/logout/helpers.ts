/**
 * Shared pieces of the logout tests: a relying party's receiver (back-channel logout POSTs,
 * front-channel logout GETs) and a sign-in driven through the pages with openid-client.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import * as oidc from 'openid-client';
import type { Browser } from '../helpers/browser.ts';
import { codeFlowStart, signInThroughPages, type Credentials } from '../helpers/sign-in.ts';

export const CB = 'http://127.0.0.1:5999/cb';
export const ALICE = { username: 'alice', password: 'correct horse battery staple', name: 'Alice Liddell', email: 'alice@example.com' };

export interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  contentType: string | undefined;
  body: string;
}

/** A relying party's logout endpoints on a fixed port; `start()` and `stop()` may be called repeatedly. */
export class Receiver {
  readonly received: Received[] = [];
  private server: Server | undefined;
  private waiters: Array<() => void> = [];
  /** Status answered to back-channel POSTs. */
  status = 200;

  constructor(readonly port: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  posts(path = '/bc'): Received[] {
    return this.received.filter((r) => r.method === 'POST' && r.path === path);
  }

  async start(): Promise<void> {
    const server = createServer((req: IncomingMessage, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', this.url);
        this.received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, contentType: req.headers['content-type'], body });
        res.writeHead(req.method === 'POST' ? this.status : 200, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
        res.end('ok');
        for (const w of this.waiters.splice(0)) w();
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Resolves once `predicate` holds; rejects after `ms` (a safety net, not a timing assertion). */
  async until(predicate: () => boolean, ms = 20000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('the receiver did not get what was expected in time');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }
}

export async function rp(issuer: string, clientId: string, secret: string): Promise<oidc.Configuration> {
  return oidc.discovery(new URL(issuer), clientId, secret, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
}

/** Signs in through the login (and consent) pages; returns openid-client's token response. */
export async function signIn(browser: Browser, config: oidc.Configuration, scope = 'openid profile', credentials: Credentials = ALICE): Promise<oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers> {
  const { url, verifier, state, nonce } = await codeFlowStart(config, CB, { scope });
  const { callback } = await signInThroughPages(browser, url.href, CB, credentials);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
}

/** GET without following redirects, with the browser's cookies. */
export async function rawGet(browser: Browser, url: string): Promise<Response> {
  const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return fetch(url, { redirect: 'manual', headers: { cookie } });
}
