/**
 * An example API protected by Portcullis. Every request must carry a Portcullis JWT access
 * token for this API's resource identifier; DPoP-bound tokens must come with a proof.
 *
 *   PORTCULLIS_ISSUER=http://localhost:8080 API_AUDIENCE=https://api.example.com \
 *   API_PUBLIC_URL=http://localhost:5050 PORT=5050 node --import tsx examples/resource-api/server.ts
 *
 * The issuer's config lists the API as a resource: { "identifier": "https://api.example.com", "scopes": ["read"] }.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { pathToFileURL } from 'node:url';
import { AccessTokenError, verifyAccessToken, type VerifyAccessTokenOptions } from '../../src/resource-server/index.ts';

export interface ResourceApiOptions {
  issuer: string;
  audience: string;
  /** The URL clients call this API at (DPoP `htu` is checked against it). */
  publicUrl: string;
  now?: () => number;
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers }).end(JSON.stringify(body));
}

/** The API's routes: GET /me (scope read) and GET /health (public). */
export function createResourceApi(options: ResourceApiOptions): Server {
  const verify: VerifyAccessTokenOptions = { issuer: options.issuer, audience: options.audience, requiredScopes: ['read'], ...(options.now ? { now: options.now } : {}) };
  return createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/health') return send(res, 200, { status: 'ok' });
    if (path !== '/me' || req.method !== 'GET') return send(res, 404, { error: 'not_found' });
    verifyAccessToken({ method: req.method, url: `${options.publicUrl}${req.url ?? '/'}`, headers: req.headers }, verify).then(
      (token) => send(res, 200, { sub: token.sub, client_id: token.clientId, scope: token.scopes.join(' '), dpop_bound: token.jkt !== undefined }),
      (error: unknown) => {
        if (error instanceof AccessTokenError) {
          return send(res, error.status, error.code ? { error: error.code, error_description: error.description } : {}, { 'www-authenticate': error.wwwAuthenticate });
        }
        return send(res, 500, { error: 'server_error' });
      },
    );
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const port = Number(process.env['PORT'] ?? 5050);
  const api = createResourceApi({
    issuer: process.env['PORTCULLIS_ISSUER'] ?? 'http://localhost:8080',
    audience: process.env['API_AUDIENCE'] ?? 'https://api.example.com',
    publicUrl: process.env['API_PUBLIC_URL'] ?? `http://localhost:${port}`,
  });
  api.listen(port, () => console.log(`resource API on port ${port}`));
}
