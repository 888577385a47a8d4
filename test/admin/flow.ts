/**
 * Shared by the registration and admin tests: a complete authorization code + PKCE sign-in
 * driven by openid-client, with the login and consent pages answered as a browser would.
 */
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { codeFlowStart, signInThroughPages, type Credentials } from '../helpers/sign-in.ts';

export interface SignInResult {
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  config: oidc.Configuration;
  claims: oidc.IDToken | undefined;
}

/** Discovers `issuer`, signs `user` in to the client and redeems the code; `redirectUri` may be on `origin` itself, like the admin console's callback. */
export async function codeFlow(
  origin: string,
  issuer: string,
  client: { clientId: string; secret?: string | undefined; auth?: oidc.ClientAuth },
  redirectUri: string,
  user: Credentials,
  scope = 'openid profile',
): Promise<SignInResult> {
  const auth = client.auth ?? (client.secret ? oidc.ClientSecretBasic(client.secret) : oidc.None());
  const config = await oidc.discovery(new URL(issuer), client.clientId, client.secret, auth, { execute: [oidc.allowInsecureRequests] });
  const { url, verifier, state, nonce } = await codeFlowStart(config, redirectUri, { scope });
  const { callback } = await signInThroughPages(new Browser(origin, redirectUri), url.href, redirectUri, user);
  const tokens = await oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
  return { tokens, config, claims: tokens.claims() };
}

/** An access token from client_credentials (openid-client). */
export async function adminToken(server: TestServer, clientId: string, secret: string, scope?: string): Promise<string> {
  const config = await oidc.discovery(new URL(server.url), clientId, secret, oidc.ClientSecretBasic(secret), { execute: [oidc.allowInsecureRequests] });
  const tokens = await oidc.clientCredentialsGrant(config, scope ? { scope } : {});
  return tokens.access_token;
}

export function api(server: TestServer, token: string | undefined) {
  return async (method: string, path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> => {
    const res = await fetch(`${server.url}/admin/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
  };
}
