/**
 * What the interoperability suites share: one realistic configuration (users, clients for every
 * flow, a protected resource), and a user agent that signs in through the pages and hands back
 * whatever the client's redirect URI received, wherever the response mode put it.
 */
import { spawn } from 'node:child_process';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import type { Browser } from '../helpers/browser.ts';
import { basic, postForm } from '../helpers/http.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { signInThroughPages, type Credentials, type SignedIn } from '../helpers/sign-in.ts';
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

/** Follows `start` through login, consent and account selection; returns what reached the redirect URI. */
export function signIn(browser: Browser, start: string | URL, redirectUri = CB, who: Credentials = ALICE): Promise<SignedIn> {
  return signInThroughPages(browser, String(start), redirectUri, who);
}

export type Json = Record<string, unknown>;

/**
 * Runs one step of a relying party written in another language: `input` as JSON on its stdin,
 * its stdout parsed as JSON. Fails with the end of its stderr when it exits non-zero.
 */
export function runStep(command: string, argv: string[], input: Json): Promise<Json> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${[command, ...argv].join(' ')} exited ${code}: ${err.slice(-2000)}`));
      else resolve(JSON.parse(out) as Json);
    });
    child.stdin.end(JSON.stringify(input));
  });
}
