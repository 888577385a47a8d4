/**
 * Shared by the registration and admin tests: a complete authorization code + PKCE sign-in
 * driven by openid-client, with the login and consent pages answered as a browser would.
 */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { parseForms } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';

export interface Credentials {
  username: string;
  password: string;
}

export interface SignInResult {
  tokens: oidc.TokenEndpointResponse & oidc.TokenEndpointResponseHelpers;
  config: oidc.Configuration;
  claims: oidc.IDToken | undefined;
}

interface Page {
  url: string;
  html: string;
}

/**
 * Keeps cookies and follows redirects until one goes to `stopAt` (which may be on the
 * server's own origin, like the admin console's callback); returns that URL instead of fetching it.
 */
export class CallbackBrowser {
  readonly cookies = new Map<string, string>();
  callback: string | undefined;

  constructor(private readonly stopAt: string) {}

  async request(url: string, method = 'GET', body?: URLSearchParams): Promise<Page> {
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const res = await fetch(current, {
        method,
        redirect: 'manual',
        headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        ...(body ? { body } : {}),
      });
      for (const line of res.headers.getSetCookie()) {
        const [pair] = line.split(';');
        const eq = pair?.indexOf('=') ?? -1;
        if (pair && eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      const location = res.headers.get('location');
      if (res.status >= 300 && res.status < 400 && location) {
        const next = new URL(location, current).href;
        if (next.startsWith(this.stopAt)) {
          this.callback = next;
          return { url: next, html: '' };
        }
        current = next;
        method = 'GET';
        body = undefined;
        continue;
      }
      return { url: current, html: await res.text() };
    }
    throw new Error('too many redirects');
  }

  /** Answers login and consent pages until the redirect to `stopAt`. */
  async signIn(start: string, user: Credentials): Promise<string> {
    let page = await this.request(start);
    for (let i = 0; i < 4 && !this.callback; i++) {
      const form = parseForms(page.html, page.url)[0];
      if (!form) throw new Error(`unexpected page: ${page.html.slice(0, 400)}`);
      const fields = new URLSearchParams(form.fields);
      if ('password' in form.fields) {
        fields.set('username', user.username);
        fields.set('password', user.password);
      } else if (form.buttons.some((b) => b.value === 'allow')) fields.set('decision', 'allow');
      else throw new Error(`unexpected page: ${page.html.slice(0, 400)}`);
      page = await this.request(form.action, form.method.toUpperCase(), fields);
    }
    if (!this.callback) assert.fail('expected a redirect back to the client');
    return this.callback;
  }
}

/** Discovers `issuer`, signs `user` in to the client and redeems the code. */
export async function codeFlow(
  _origin: string,
  issuer: string,
  client: { clientId: string; secret?: string | undefined; auth?: oidc.ClientAuth },
  redirectUri: string,
  user: Credentials,
  scope = 'openid profile',
): Promise<SignInResult> {
  const auth = client.auth ?? (client.secret ? oidc.ClientSecretBasic(client.secret) : oidc.None());
  const config = await oidc.discovery(new URL(issuer), client.clientId, client.secret, auth, { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const nonce = oidc.randomNonce();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope,
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    state,
    nonce,
  });
  const callback = await new CallbackBrowser(redirectUri).signIn(url.href, user);
  const tokens = await oidc.authorizationCodeGrant(config, new URL(callback), { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce });
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
