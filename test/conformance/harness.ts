/**
 * The conformance suite's harness: every test is one normative requirement, named
 * "<spec> <section>: <requirement>" so a failure says which requirement broke. A black-box
 * tester's tools only: a listening server, a user agent for the pages, raw HTTP.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { createRemoteJWKSet, jwtVerify, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { Browser } from '../helpers/browser.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import type { SignedIn } from '../helpers/sign-in.ts';
import { ALICE, API, basic, BYE, CB, postForm, signIn, TOKEN_EXCHANGE } from '../interop/support.ts';

export { ALICE, API, basic, BYE, CB, postForm, TOKEN_EXCHANGE };

/** One test per requirement: `requirement('RFC 6749', '§4.1.2', 'an authorization code is single-use', …)`. */
export function requirement(spec: string, section: string, text: string, fn: () => Promise<void>): void {
  it(`${spec} ${section}: ${text}`, fn);
}

export const ALL_RESPONSE_TYPES = ['code', 'id_token', 'id_token token', 'code id_token', 'code token', 'code id_token token'];

/** Clients every conformance file may use. */
export const CLIENTS = [
  {
    client_id: 'rp', client_secret: 'rp-secret', client_name: 'Conformance RP', redirect_uris: [CB], post_logout_redirect_uris: [BYE], skip_consent: true,
    response_types: ALL_RESPONSE_TYPES, grant_types: ['authorization_code', 'refresh_token', 'implicit'], scope: 'openid profile email offline_access read',
  },
  { client_id: 'rp2', client_secret: 'rp2-secret', redirect_uris: [CB], post_logout_redirect_uris: ['http://127.0.0.1:5999/rp2-bye'], skip_consent: true, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access' },
  { client_id: 'ask', client_secret: 'ask-secret', client_name: 'Asks Consent', redirect_uris: [CB], grant_types: ['authorization_code'], scope: 'openid profile' },
  { client_id: 'pub', redirect_uris: [CB], token_endpoint_auth_method: 'none', skip_consent: true, grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile offline_access' },
  { client_id: 'svc', client_secret: 'svc-secret', grant_types: ['client_credentials'], scope: 'read write' },
  { client_id: 'svc2', client_secret: 'svc2-secret', grant_types: ['client_credentials'], scope: 'read' },
  {
    client_id: 'xchg', client_secret: 'xchg-secret', redirect_uris: [CB], skip_consent: true, grant_types: ['authorization_code', 'refresh_token', TOKEN_EXCHANGE], scope: 'openid profile read',
    token_exchange: { allowed_audiences: [API] },
  },
];

export const BOB = { username: 'bob', password: 'bob has a passphrase', name: 'Bob' };

export async function startConformanceServer(extra: Record<string, unknown> = {}): Promise<TestServer> {
  return startServer({ users: [ALICE, BOB], resources: [{ identifier: API, scopes: ['read', 'write'] }], clients: CLIENTS, ...extra });
}

export const RP = basic('rp', 'rp-secret');

export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** Left half of the SHA-256 of `value`, base64url (OIDC Core §3.1.3.6 at_hash, §3.3.2.11 c_hash). */
export function halfHash(value: string): string {
  const digest = createHash('sha256').update(value).digest();
  return digest.subarray(0, 16).toString('base64url');
}

/** A person with a browser (a signed-in user agent) running authorization requests through the pages. */
export class Visitor {
  readonly browser: Browser;
  constructor(readonly server: TestServer, readonly who: { username: string; password: string } = ALICE) {
    this.browser = new Browser(server.url);
  }

  url(params: Record<string, string>): string {
    return `${this.server.url}/authorize?${new URLSearchParams(params)}`;
  }

  /** Runs an authorization request for `rp` (defaults filled in) through the pages. */
  async authorize(params: Record<string, string> = {}, redirectUri = CB): Promise<SignedIn> {
    const base: Record<string, string> = { client_id: 'rp', redirect_uri: redirectUri, response_type: 'code', scope: 'openid profile', state: 'st-1', nonce: 'n-1' };
    return signIn(this.browser, this.url({ ...base, ...params }), redirectUri, this.who);
  }

  /** A fresh code for `rp` with PKCE; returns the code, its verifier and the whole arrival. */
  async code(params: Record<string, string> = {}): Promise<{ code: string; verifier: string; arrival: SignedIn }> {
    const { verifier, challenge } = pkce();
    const arrival = await this.authorize({ code_challenge: challenge, code_challenge_method: 'S256', ...params });
    const code = arrival.params.get('code');
    assert.ok(code, `a code: ${arrival.callback.href}`);
    return { code, verifier, arrival };
  }

  /** Redeems a code at the token endpoint as `rp` (client_secret_basic). */
  async redeem(code: string, verifier: string, extra: Record<string, string> = {}, auth = RP) {
    return postForm(`${this.server.url}/token`, { grant_type: 'authorization_code', code, redirect_uri: CB, code_verifier: verifier, ...extra }, { authorization: auth });
  }

  /** Code flow to tokens in one call. */
  async tokens(params: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const { code, verifier } = await this.code(params);
    const res = await this.redeem(code, verifier);
    assert.equal(res.status, 200, res.text);
    return res.body;
  }
}

/** A conformance server and a visitor signed in once (one code flow for `rp`); later requests reuse the session. */
export async function startSignedIn(extra: Record<string, unknown> = {}): Promise<{ server: TestServer; visitor: Visitor }> {
  const server = await startConformanceServer(extra);
  const visitor = new Visitor(server);
  await visitor.code();
  return { server, visitor };
}

/** Signs `visitor` in for another client (code + PKCE, client_secret_basic); returns its access token. */
export async function signInFor(visitor: Visitor, clientId: string, secret: string, scope: string): Promise<string> {
  const { verifier, challenge } = pkce();
  const arrival = await signIn(visitor.browser, visitor.url({ client_id: clientId, redirect_uri: CB, response_type: 'code', scope, state: 's', nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256' }));
  const res = await postForm(`${visitor.server.url}/token`, { grant_type: 'authorization_code', code: arrival.params.get('code') ?? '', redirect_uri: CB, code_verifier: verifier }, { authorization: basic(clientId, secret) });
  assert.equal(res.status, 200, res.text);
  return String(res.body['access_token']);
}

/** Verifies a JWT against the server's published keys. */
export async function verifyJwt(server: TestServer, jwt: unknown, audience: string): Promise<JWTPayload> {
  const jwks = createRemoteJWKSet(new URL(`${server.url}/.well-known/jwks.json`));
  return (await jwtVerify(String(jwt), jwks, { issuer: server.url, audience })).payload;
}

/** Status and `error` of a JSON error response, with `Cache-Control: no-store`. */
export function assertOAuthError(res: { status: number; headers: Headers; body: Record<string, unknown>; text: string }, status: number, error: string): void {
  assert.equal(res.status, status, `status (body ${res.text})`);
  assert.equal(res.body['error'], error, `error (body ${res.text})`);
  // RFC 6749 §5.1: token endpoint responses are never cached; Portcullis answers every error so.
  assert.equal(res.headers.get('cache-control'), 'no-store', 'Cache-Control');
  const description = res.body['error_description'];
  // RFC 6749 §5.2: error_description is printable ASCII without '"' and '\'.
  if (description !== undefined) assert.match(String(description), /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/);
}

/** A DPoP proof (RFC 9449 §4.2) signed with `key`; `overrides` replace or (with undefined) drop claims and header fields. */
export async function dpopProof(key: { privateKey: CryptoKey; publicJwk: JWK }, claims: Record<string, unknown>, header: Record<string, unknown> = {}): Promise<string> {
  const payload = { jti: randomBytes(12).toString('base64url'), htm: 'POST', iat: Math.floor(Date.now() / 1000), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'dpop+jwt', jwk: key.publicJwk, ...header }).sign(key.privateKey);
}
