/**
 * What the interoperability suites share: one realistic configuration (users, clients for every
 * flow, a protected resource), and a user agent that signs in through the pages and hands back
 * whatever the client's redirect URI received, wherever the response mode put it.
 */
import assert from 'node:assert/strict';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { Browser, parseForms, type Page } from '../helpers/browser.ts';
import { basic, postForm } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { ALICE } from '../helpers/users.ts';

export { ALICE, basic, postForm };

export const CB = 'http://127.0.0.1:5999/cb';
export const BYE = 'http://127.0.0.1:5999/bye';
export const API = 'https://api.example.com';
export const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface ClientKey {
  privateKey: CryptoKey;
  privateJwk: JWK;
  publicJwk: JWK;
}

/** An RS256 key pair for private_key_jwt, with a kid, exportable so a non-JavaScript client can use it. */
export async function clientKey(kid: string): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  return { privateKey, privateJwk, publicJwk };
}

/** The configuration every interop file starts its server with. */
export function interopConfig(key: ClientKey): Record<string, unknown> {
  const code = ['authorization_code', 'refresh_token'];
  return {
    users: [ALICE],
    resources: [{ identifier: API, scopes: ['read', 'write'] }],
    clients: [
      { client_id: 'web', client_secret: 'web-secret', client_name: 'Web App', redirect_uris: [CB], post_logout_redirect_uris: [BYE], grant_types: code, scope: 'openid profile email offline_access' },
      { client_id: 'web-post', client_secret: 'post-secret', redirect_uris: [CB], token_endpoint_auth_method: 'client_secret_post', grant_types: code, scope: 'openid profile email offline_access', skip_consent: true },
      { client_id: 'pkjwt', redirect_uris: [CB], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: [...code, 'client_credentials'], scope: 'openid profile email offline_access read', skip_consent: true },
      { client_id: 'spa', redirect_uris: [CB], token_endpoint_auth_method: 'none', grant_types: code, scope: 'openid profile offline_access', skip_consent: true },
      { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write' },
      { client_id: 'svc-post', client_secret: 'svc-post-secret', token_endpoint_auth_method: 'client_secret_post', grant_types: ['client_credentials'], scope: 'read' },
      {
        client_id: 'exchanger', client_secret: 'exchanger-secret', redirect_uris: [CB], grant_types: [...code, TOKEN_EXCHANGE], scope: 'openid profile offline_access read', skip_consent: true,
        token_exchange: { allowed_audiences: [API] },
      },
      {
        client_id: 'hybrid', client_secret: 'hybrid-secret', redirect_uris: [CB], skip_consent: true, scope: 'openid profile email',
        response_types: ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'], grant_types: ['authorization_code', 'implicit'],
      },
    ],
  };
}

/** A server started with the interop configuration, and the private_key_jwt key (kid `pkjwt-1`) it trusts. */
export async function startInteropServer(): Promise<{ server: TestServer; key: ClientKey }> {
  const key = await clientKey('pkjwt-1');
  const server = await startServer(interopConfig(key));
  return { server, key };
}

export interface Arrival {
  /** The URL the user agent was sent to (query or fragment response modes). */
  url: URL;
  /** The parameters, wherever the response mode put them. */
  params: URLSearchParams;
  mode: 'query' | 'fragment' | 'form_post';
  /** The pages the user saw, in order. */
  pages: string[];
}

/** Follows `start` through login, consent and account selection; returns what reached the redirect URI. */
export async function signIn(browser: Browser, start: string | URL, redirectUri = CB, who: { username: string; password: string } = ALICE): Promise<Arrival> {
  browser.lastExternal = undefined;
  let page: Page = await browser.request(String(start));
  const pages: string[] = [];
  for (let step = 0; step < 6; step++) {
    const external = browser.lastExternal as string | undefined;
    if (external !== undefined) {
      browser.lastExternal = undefined;
      if (!external.startsWith(redirectUri)) assert.fail(`redirected to ${external}, expected ${redirectUri}`);
      const url = new URL(external);
      if (url.hash) return { url, params: new URLSearchParams(url.hash.slice(1)), mode: 'fragment', pages };
      return { url, params: url.searchParams, mode: 'query', pages };
    }
    const forms = parseForms(page.html, page.url);
    const formPost = forms.find((f) => f.action === redirectUri);
    if (formPost) return { url: new URL(redirectUri), params: new URLSearchParams(formPost.fields), mode: 'form_post', pages };
    if (forms.some((f) => 'password' in f.fields)) {
      pages.push('login');
      page = await browser.submit(page, { username: who.username, password: who.password });
    } else if (forms.some((f) => f.buttons.some((b) => b.value === 'allow'))) {
      pages.push('consent');
      page = await browser.submit(page, {}, { name: 'decision', value: 'allow' });
    } else if (forms.some((f) => f.buttons.some((b) => b.value === 'continue'))) {
      pages.push('select_account');
      page = await browser.submit(page, {}, { name: 'decision', value: 'continue' });
    } else if (forms.some((f) => f.buttons.some((b) => b.value === 'logout'))) {
      pages.push('logout');
      page = await browser.submit(page, {}, { name: 'decision', value: 'logout' });
    } else {
      throw new Error(`unexpected page ${page.status} at ${page.url}: ${page.html.slice(0, 300)}`);
    }
  }
  throw new Error('the user agent never reached the redirect URI');
}
