/** Shared setup for the token exchange tests: a user signed in to a front end, and raw token requests. */
import assert from 'node:assert/strict';
import * as oidc from 'openid-client';
import { Browser } from '../helpers/browser.ts';
import type { TestServer } from '../helpers/server.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';

export const GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const AT = 'urn:ietf:params:oauth:token-type:access_token';
export const RT = 'urn:ietf:params:oauth:token-type:refresh_token';
export const IDT = 'urn:ietf:params:oauth:token-type:id_token';
export const JWT = 'urn:ietf:params:oauth:token-type:jwt';
export const CB = 'http://127.0.0.1:5999/cb';
export const ALICE = { username: 'alice', password: 'correct horse battery staple', sub: 'alice-0001', name: 'Alice Liddell' };

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export interface Json {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function post(server: TestServer, path: string, body: Record<string, string | string[]>, headers: Record<string, string> = {}): Promise<Json> {
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const item of [v].flat()) form.append(k, item);
  const res = await fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: form });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** A token exchange request by `clientId` (secret `<id>-secret`), as raw HTTP. */
export function exchange(server: TestServer, clientId: string, body: Record<string, string | string[]>): Promise<Json> {
  return post(server, '/token', { grant_type: GRANT, ...body }, { authorization: basic(clientId, `${clientId}-secret`) });
}

export async function introspect(server: TestServer, token: string): Promise<Record<string, unknown>> {
  const res = await post(server, '/introspect', { token }, { authorization: basic('rs', 'rs-secret') });
  assert.equal(res.status, 200);
  return res.body;
}

/** Signs alice in to `clientId` with the code flow (openid-client as the relying party); returns its tokens. */
export async function signIn(server: TestServer, clientId: string, scope: string): Promise<oidc.TokenEndpointResponse> {
  const config = await oidc.discovery(new URL(server.url), clientId, `${clientId}-secret`, oidc.ClientSecretBasic(`${clientId}-secret`), { execute: [oidc.allowInsecureRequests] });
  const verifier = oidc.randomPKCECodeVerifier();
  const state = oidc.randomState();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CB, scope, state, code_challenge: await oidc.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  const { callback } = await signInThroughPages(new Browser(server.url), url.href, CB, ALICE);
  return oidc.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state });
}
