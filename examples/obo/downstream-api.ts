/**
 * The downstream API of the on-behalf-of example: it accepts only tokens aimed at itself,
 * checks them by introspection (RFC 7662, so a revoked grant is noticed at once), and answers
 * with the user (`sub`) and the party acting for the user (`act`).
 *
 *   node --import tsx examples/obo/downstream-api.ts
 */
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';

export interface ApiOptions {
  issuer: string;
  /** This API's resource identifier: the `aud` its tokens must carry. */
  audience: string;
  /** The API's own client credentials, for the introspection endpoint. */
  clientId: string;
  clientSecret: string;
  port: number;
}

interface Introspection {
  active: boolean;
  sub?: string;
  aud?: string | string[];
  act?: Record<string, unknown>;
  scope?: string;
  client_id?: string;
}

export async function startApi(options: ApiOptions): Promise<{ url: string; close(): Promise<void> }> {
  const discovery = (await (await fetch(`${options.issuer}/.well-known/oauth-authorization-server`)).json()) as { introspection_endpoint: string };
  const credentials = Buffer.from(`${encodeURIComponent(options.clientId)}:${encodeURIComponent(options.clientSecret)}`).toString('base64');

  async function introspect(token: string): Promise<Introspection> {
    const res = await fetch(discovery.introspection_endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${credentials}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    return (await res.json()) as Introspection;
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) =>
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      if (req.url !== '/whoami') return send(404, { error: 'not_found' });
      const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (!token) return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer' });
      const info = await introspect(token);
      const audiences = [info.aud ?? []].flat();
      if (!info.active || !audiences.includes(options.audience)) return send(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
      // The user is `sub`; whoever acts for them is `act.sub` (RFC 8693 §4.1), earlier actors nested in `act.act`.
      return send(200, { sub: info.sub, act: info.act ?? null, scope: info.scope, client_id: info.client_id });
    })().catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${options.port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const api = await startApi({ issuer: 'http://127.0.0.1:4000', audience: 'https://orders.example.com', clientId: 'orders-api', clientSecret: 'orders-api-secret', port: 4002 });
  console.log(`orders API at ${api.url}/whoami`);
}
