/**
 * Shared pieces of the high-security profile tests: raw HTTP helpers, hand-made DPoP proofs
 * (for the negative paths that a client library will not produce) and a browser sign-in.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import * as oauth from 'oauth4webapi';
import { Browser } from '../helpers/browser.ts';
import { answer, type Answer } from '../helpers/http.ts';
import { signInThroughPages } from '../helpers/sign-in.ts';
import type { TestServer } from '../helpers/server.ts';
import { ALICE } from '../helpers/users.ts';

export const CB = 'http://127.0.0.1:5999/cb';
export { ALICE };
export { answer, type Answer };
export const INSECURE = { [oauth.allowInsecureRequests]: true } as const;
export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export async function postForm(url: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Answer> {
  return answer(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form) }));
}

export function assertError(res: Answer, status: number, error: string, what: string): void {
  assert.equal(res.status, status, `${what}: status (body ${res.text})`);
  assert.equal(res.body['error'], error, `${what}: error (body ${res.text})`);
}

export async function discover(server: TestServer, path = ''): Promise<oauth.AuthorizationServer> {
  const issuer = new URL(`${server.url}${path}`);
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, INSECURE));
}

export interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  publicJwk: JWK;
  jkt: string;
}

export async function keyPair(alg = 'ES256'): Promise<KeyPair> {
  const pair = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return { privateKey: pair.privateKey, publicKey: pair.publicKey, publicJwk, jkt: await calculateJwkThumbprint(publicJwk) };
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  iat?: number;
  jti?: string;
  nonce?: string;
  accessToken?: string;
  typ?: string;
  alg?: string;
  /** Replace the embedded JWK. */
  jwk?: JWK;
}

/** A DPoP proof made by hand (RFC 9449 §4.2). */
export async function proof(key: KeyPair, options: ProofOptions, now: number): Promise<string> {
  const payload: Record<string, unknown> = { htm: options.htm ?? 'POST', htu: options.htu, jti: options.jti ?? randomUUID(), iat: options.iat ?? now };
  if (options.nonce) payload['nonce'] = options.nonce;
  if (options.accessToken) payload['ath'] = createHash('sha256').update(options.accessToken).digest('base64url');
  return new SignJWT(payload).setProtectedHeader({ alg: options.alg ?? 'ES256', typ: options.typ ?? 'dpop+jwt', jwk: options.jwk ?? key.publicJwk }).sign(key.privateKey);
}

/** Signs in on the login page and allows on the consent page; returns the callback URL. */
export async function signIn(browser: Browser, start: string, credentials = ALICE): Promise<URL> {
  return (await signInThroughPages(browser, start, CB, credentials)).callback;
}

export { Browser };

/**
 * Opens an authorization URL and asserts it was refused with `error`: either redirected to the
 * client's (trusted) redirect URI with the error, or shown as a 400 page naming it.
 */
export async function assertAuthorizeRefused(origin: string, url: string, error: string, what: string): Promise<void> {
  const browser = new Browser(origin);
  const page = await browser.request(url);
  if (browser.lastExternal) {
    const callback = new URL(browser.lastExternal);
    assert.equal(callback.searchParams.get('error') ?? new URLSearchParams(callback.hash.slice(1)).get('error'), error, `${what}: redirected error`);
    return;
  }
  assert.equal(page.status, 400, `${what}: status`);
  assert.match(page.html, new RegExp(error), `${what}: page names ${error}`);
}
