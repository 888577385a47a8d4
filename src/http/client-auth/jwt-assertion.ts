/**
 * `client_secret_jwt` and `private_key_jwt` (RFC 7523 §2.2 / §3, OIDC Core §9): the client
 * proves itself with a signed JWT — HMAC with its secret, or a signature by one of its keys.
 */
import { webcrypto } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { Ctx } from '../../context.ts';
import type { TokenEndpointAuthMethod } from '../../domain/client.ts';
import { InvalidRequest, ServerError } from '../../errors/oauth-error.ts';
import { FAPI_ALGS, isFapi } from '../../fapi/profile.ts';
import { keySetOf, verifyWithKeySet } from '../../keys/verification-keys.ts';
import type { ClientRecord } from '../../storage/types.ts';
import { authFailed, loadClient, requireRegisteredMethod } from './common.ts';
import type { AuthenticatedClient } from './types.ts';

/** Seconds of clock skew tolerated on `exp`, `nbf` and `iat`. */
export const CLOCK_TOLERANCE = 30;
/** Longest accepted assertion lifetime (`exp − iat`, or `exp − now` without `iat`), in seconds. */
export const MAX_ASSERTION_LIFETIME = 3600;
/** Longest accepted `jti`: it is stored in the replay cache. */
const MAX_JTI_LENGTH = 512;

export const HMAC_ALGS = ['HS256', 'HS384', 'HS512'] as const;
export const ASYMMETRIC_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;

function methodOfAlg(alg: string): TokenEndpointAuthMethod | undefined {
  if ((HMAC_ALGS as readonly string[]).includes(alg)) return 'client_secret_jwt';
  if ((ASYMMETRIC_ALGS as readonly string[]).includes(alg)) return 'private_key_jwt';
  return undefined;
}

function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Authenticates a client by its `client_assertion`. `clientIdParam` is the `client_id` body
 * parameter, if sent. Throws InvalidClient for any bad assertion, InvalidRequest for a
 * `client_id` that names another client.
 */
export async function authenticateJwtAssertion(
  ctx: Ctx,
  assertion: string,
  clientIdParam: string | undefined,
  endpointUrl: string,
): Promise<AuthenticatedClient> {
  let alg: unknown;
  let unverified: JWTPayload;
  try {
    alg = decodeProtectedHeader(assertion).alg;
    unverified = decodeJwt(assertion);
  } catch (error) {
    throw authFailed(`client_assertion is not a JWT: ${describe(error)}`);
  }

  const clientId = unverified.sub;
  // RFC 7523 §3 (2): sub MUST be the client_id of the OAuth client.
  if (typeof clientId !== 'string' || clientId === '') throw authFailed('client_assertion has no sub');
  // RFC 7521 §4.2: a client_id parameter, when sent, MUST identify the client of the assertion.
  if (clientIdParam !== undefined && clientIdParam !== clientId) {
    throw new InvalidRequest('client_id does not match the subject of client_assertion');
  }
  // RFC 7523 §3 (1): for client authentication, iss MUST be the client_id as well.
  if (unverified.iss !== clientId) throw authFailed(`client_assertion iss ${String(unverified.iss)} is not its sub ${clientId}`);

  // RFC 7518 §3.6 / RFC 8725 §3.1: unsecured (alg none) assertions are never accepted.
  if (typeof alg !== 'string' || alg === 'none') throw authFailed(`client_assertion alg ${String(alg)} is not allowed`);
  // OIDC Core §9: HMAC (HS*) is client_secret_jwt, a public-key signature is private_key_jwt.
  const method = methodOfAlg(alg);
  if (method === undefined) throw authFailed(`client_assertion alg ${alg} is not supported`);

  const client = await loadClient(ctx, clientId);
  requireRegisteredMethod(client, method);

  const fapi = isFapi(ctx, client.metadata);
  // FAPI 2.0 Security Profile §5.4: PS256, ES256 and EdDSA only.
  const family: readonly string[] = method === 'client_secret_jwt' ? HMAC_ALGS : fapi ? FAPI_ALGS : ASYMMETRIC_ALGS;
  const registeredAlg = client.metadata.token_endpoint_auth_signing_alg;
  // OIDC Registration §2: with token_endpoint_auth_signing_alg registered, no other alg is accepted.
  const algorithms = registeredAlg === undefined ? [...family] : family.filter((a) => a === registeredAlg);
  if (!algorithms.includes(alg)) {
    throw authFailed(`client_assertion alg ${alg}; client ${clientId} registered ${String(registeredAlg)}`);
  }

  const now = ctx.now();
  const issuer = ctx.tenant.issuer;
  const options: JWTVerifyOptions = {
    algorithms,
    // RFC 7523 §3 (1), (2): iss and sub are the client_id.
    issuer: clientId,
    subject: clientId,
    // RFC 7523 §3 (3): aud identifies this authorization server — its issuer, the endpoint
    // called, or (as oidc-provider accepts) the token endpoint from any endpoint.
    // FAPI 2.0 Security Profile §5.3.2.1: under FAPI, the issuer is the only accepted audience.
    audience: fapi ? issuer : [...new Set([issuer, endpointUrl, `${issuer}/token`])],
    // RFC 7523 §3 (4), (7): exp is REQUIRED; OIDC Core §9: jti is REQUIRED.
    requiredClaims: ['exp', 'jti'],
    // RFC 7523 §3 (4), (5): exp and nbf are checked with a small allowance for clock skew.
    clockTolerance: CLOCK_TOLERANCE,
    currentDate: new Date(now * 1000),
  };

  let payload: JWTPayload;
  try {
    payload =
      method === 'client_secret_jwt'
        ? (await jwtVerify(assertion, (header) => hmacKey(ctx, client, header.alg), options)).payload
        : await verifyWithKeySet(assertion, publicKeySet(client), options);
  } catch (error) {
    if (error instanceof ServerError) throw error;
    throw authFailed(`client_assertion of ${clientId} rejected: ${describe(error)}`);
  }

  const exp = payload.exp;
  if (typeof exp !== 'number') throw authFailed('client_assertion has no exp');
  // RFC 7523 §3 (6): an iat in the future (beyond the skew allowance) is not accepted.
  if (payload.iat !== undefined && payload.iat > now + CLOCK_TOLERANCE) {
    throw authFailed(`client_assertion iat ${payload.iat} is in the future (now ${now})`);
  }
  // RFC 7523 §3 (4): the AS may reject assertions whose exp is unreasonably far in the future.
  const lifetime = payload.iat !== undefined ? exp - payload.iat : exp - now - CLOCK_TOLERANCE;
  if (lifetime > MAX_ASSERTION_LIFETIME) {
    throw authFailed(`client_assertion lifetime ${lifetime}s exceeds ${MAX_ASSERTION_LIFETIME}s`);
  }

  const jti = payload.jti;
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw authFailed('client_assertion jti is missing or too long');
  // RFC 7523 §3 (7): the AS may ensure a JWT is not replayed by remembering its jti until it
  // expires (plus the skew allowance during which it would still be accepted). Checked only
  // after the signature, so nobody else can burn a client's jti.
  const fresh = await ctx.storage.replay.remember(ctx.tenant.id, `client_assertion:${clientId}`, jti, exp + CLOCK_TOLERANCE, now);
  if (!fresh) throw authFailed(`client_assertion jti ${JSON.stringify(jti)} of ${clientId} was already used`);

  return { client, method };
}

const HMAC_HASH: Record<string, string> = { HS256: 'SHA-256', HS384: 'SHA-384', HS512: 'SHA-512' };

/** client_secret_jwt keys per cached client record and algorithm: decrypted and imported once. */
const hmacKeys = new WeakMap<ClientRecord, Map<string, Promise<webcrypto.CryptoKey>>>();

/** The client_secret_jwt HMAC key for `alg` (already checked against the allowed ones). */
function hmacKey(ctx: Ctx, client: ClientRecord, alg: string): Promise<webcrypto.CryptoKey> {
  let byAlg = hmacKeys.get(client);
  if (!byAlg) {
    byAlg = new Map();
    hmacKeys.set(client, byAlg);
  }
  let key = byAlg.get(alg);
  if (!key) {
    const hash = HMAC_HASH[alg];
    if (!hash) throw authFailed(`client_assertion alg ${alg} is not an HMAC algorithm`);
    key = webcrypto.subtle.importKey('raw', clientSecret(ctx, client), { name: 'HMAC', hash }, false, ['verify']);
    byAlg.set(alg, key);
  }
  return key;
}

/** The client's secret, decrypted from storage. */
function clientSecret(ctx: Ctx, client: ClientRecord): Uint8Array {
  if (client.secretEncrypted === null) throw authFailed(`client ${client.clientId} has no stored secret for client_secret_jwt`);
  let secret: string;
  try {
    secret = ctx.kek.decrypt(client.secretEncrypted);
  } catch (error) {
    // A stored secret the KEK cannot open is a server fault, not the client's.
    throw new ServerError('internal server error', { detail: `cannot decrypt secret of ${client.clientId}: ${describe(error)}` });
  }
  return new TextEncoder().encode(secret);
}

/** The private_key_jwt verification keys: the registered `jwks`, or the registered `jwks_uri`. */
function publicKeySet(client: ClientRecord): JWTVerifyGetKey {
  const keySet = keySetOf(client.metadata);
  if (!keySet) throw authFailed(`client ${client.clientId} registered neither jwks nor jwks_uri`);
  return keySet;
}
