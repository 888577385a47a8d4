/**
 * The front end of the on-behalf-of example: it signs the user in (authorization code + PKCE),
 * exchanges the user's token for one aimed at the orders API (RFC 8693), calls the API with it
 * and shows what the API saw.
 *
 *   node --import tsx examples/obo/frontend.ts     then open http://127.0.0.1:4001/
 */
import { createServer, type Server } from 'node:http';
import { pathToFileURL } from 'node:url';
import * as oidc from 'openid-client';

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';

export interface FrontendOptions {
  issuer: string;
  clientId: string;
  clientSecret: string;
  port: number;
  /** The downstream API: its resource identifier and its base URL. */
  apiAudience: string;
  apiUrl: string;
}

export async function startFrontend(options: FrontendOptions): Promise<{ url: string; close(): Promise<void> }> {
  const base = `http://127.0.0.1:${options.port}`;
  const config = await oidc.discovery(new URL(options.issuer), options.clientId, options.clientSecret, oidc.ClientSecretBasic(options.clientSecret), {
    ...(options.issuer.startsWith('http:') ? { execute: [oidc.allowInsecureRequests] } : {}),
  });
  /** PKCE verifiers of sign-ins in progress, by state. */
  const pending = new Map<string, string>();

  async function callback(url: URL): Promise<unknown> {
    const state = url.searchParams.get('state') ?? '';
    const verifier = pending.get(state);
    pending.delete(state);
    if (!verifier) throw new Error('unknown sign-in');
    const tokens = await oidc.authorizationCodeGrant(config, url, { pkceCodeVerifier: verifier, expectedState: state });
    // On behalf of the user: trade the user's token for one the orders API accepts.
    const exchanged = await oidc.genericGrantRequest(config, TOKEN_EXCHANGE, {
      subject_token: tokens.access_token,
      subject_token_type: ACCESS_TOKEN,
      audience: options.apiAudience,
      scope: 'orders:read',
    });
    const api = await fetch(`${options.apiUrl}/whoami`, { headers: { authorization: `Bearer ${exchanged.access_token}` } });
    return { exchanged_token_type: exchanged['issued_token_type'], api_status: api.status, api_saw: await api.json() };
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      if (url.pathname === '/login') {
        const verifier = oidc.randomPKCECodeVerifier();
        const state = oidc.randomState();
        pending.set(state, verifier);
        const target = oidc.buildAuthorizationUrl(config, {
          redirect_uri: `${base}/cb`,
          scope: 'openid orders:read',
          state,
          code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
          code_challenge_method: 'S256',
        });
        return res.writeHead(302, { location: target.href }).end();
      }
      if (url.pathname === '/cb') {
        return res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(await callback(url), null, 2));
      }
      return res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Shop</title><a href="/login">Sign in and call the orders API</a>');
    })().catch((err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : 'error'));
  });
  await new Promise<void>((resolve) => server.listen(options.port, '127.0.0.1', resolve));
  return { url: base, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const frontend = await startFrontend({
    issuer: 'http://127.0.0.1:4000',
    clientId: 'frontend',
    clientSecret: 'frontend-secret',
    port: 4001,
    apiAudience: 'https://orders.example.com',
    apiUrl: 'http://127.0.0.1:4002',
  });
  console.log(`front end at ${frontend.url}/`);
}
