/**
 * Request objects (RFC 9101, OIDC Core §6): a JWT carrying the authorization request, signed
 * with one of the client's keys. Verified here; the parameters it carries are returned.
 */
import { compactDecrypt, decodeJwt, decodeProtectedHeader, errors, type JWTPayload } from 'jose';
import type { Ctx } from '../context.ts';
import { InvalidRequestObject } from '../errors/oauth-error.ts';
import { FAPI_ALGS, isFapi } from '../fapi/profile.ts';
import { SIGNING_ALGS } from '../keys/types.ts';
import { keySetOf, verifyWithKeySet } from '../keys/verification-keys.ts';
import type { ClientRecord } from '../storage/types.ts';
import { REQUEST_OBJECT_ENC_ALGS, REQUEST_OBJECT_ENC_ENCS, requestObjectKey } from './encryption-key.ts';

/** Seconds of clock skew tolerated on `exp` and `nbf`. */
export const REQUEST_OBJECT_SKEW = 30;
/** FAPI 2.0 Message Signing §5.3.1 / Portcullis policy: `exp` at most 60 minutes after `nbf`. */
export const MAX_REQUEST_OBJECT_LIFETIME = 3600;
/** Claims that describe the JWT itself rather than the authorization request. */
const JWT_CLAIMS = new Set(['iss', 'aud', 'exp', 'nbf', 'iat', 'jti', 'sub']);

/** The algorithms accepted from this client (never `none` here; see verifyRequestObject). */
export function requestObjectAlgs(ctx: Ctx, client: ClientRecord): string[] {
  const registered = client.metadata.request_object_signing_alg;
  // FAPI 2.0 Security Profile §5.4: PS256, ES256, EdDSA only.
  const family: readonly string[] = isFapi(ctx, client.metadata) ? FAPI_ALGS : SIGNING_ALGS;
  // OIDC Registration §2: with request_object_signing_alg registered, only that algorithm.
  return registered === undefined ? [...family] : family.filter((a) => a === registered);
}

function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

async function verifySignature(ctx: Ctx, client: ClientRecord, jwt: string): Promise<JWTPayload> {
  let alg: unknown;
  try {
    alg = decodeProtectedHeader(jwt).alg;
  } catch (error) {
    throw new InvalidRequestObject('the request object is not a JWT', { detail: describe(error) });
  }
  if (alg === 'none') {
    // RFC 9101 §10.2 / OIDC Core §6.1: unsigned objects only for a client that registered `none`; never under FAPI.
    if (client.metadata.request_object_signing_alg !== 'none' || isFapi(ctx, client.metadata)) throw new InvalidRequestObject('unsigned request objects are not accepted from this client');
    try {
      return decodeJwt(jwt);
    } catch (error) {
      throw new InvalidRequestObject('the request object is malformed', { detail: describe(error) });
    }
  }
  const algorithms = requestObjectAlgs(ctx, client);
  if (typeof alg !== 'string' || !algorithms.includes(alg)) throw new InvalidRequestObject(`request object alg ${String(alg)} is not accepted for this client`);
  // RFC 9101 §6.2: the client's registered `jwks` or `jwks_uri`.
  const keys = keySetOf(client.metadata);
  if (!keys) throw new InvalidRequestObject('the client has no registered keys to verify request objects with');
  try {
    return await verifyWithKeySet(jwt, keys, { algorithms, currentDate: new Date(ctx.now() * 1000), clockTolerance: REQUEST_OBJECT_SKEW });
  } catch (error) {
    throw new InvalidRequestObject('the request object signature or lifetime is invalid', { detail: describe(error) });
  }
}

/** RFC 9101 §6.1: a five-part JWE is decrypted with the tenant's key; the plaintext is the (signed) request object. */
async function decryptIfEncrypted(ctx: Ctx, jwt: string): Promise<string> {
  if (jwt.split('.').length !== 5) return jwt;
  if (!ctx.config.features.requestObjectEncryption) throw new InvalidRequestObject('encrypted request objects are not accepted');
  try {
    const { privateKey } = await requestObjectKey(ctx);
    const { plaintext } = await compactDecrypt(jwt, privateKey, { keyManagementAlgorithms: REQUEST_OBJECT_ENC_ALGS, contentEncryptionAlgorithms: REQUEST_OBJECT_ENC_ENCS });
    return new TextDecoder().decode(plaintext);
  } catch (error) {
    throw new InvalidRequestObject('the encrypted request object cannot be decrypted', { detail: describe(error) });
  }
}

function checkClaims(ctx: Ctx, client: ClientRecord, payload: JWTPayload): void {
  const now = ctx.now();
  const fapi = isFapi(ctx, client.metadata);
  // RFC 9101 §10.2 (iss = client_id) and §4 (aud = the authorization server's issuer).
  if (payload.iss !== undefined && payload.iss !== client.clientId) throw new InvalidRequestObject('the request object iss must be the client_id');
  if (fapi && payload.iss === undefined) throw new InvalidRequestObject('the request object has no iss');
  const aud = Array.isArray(payload.aud) ? payload.aud : payload.aud === undefined ? [] : [payload.aud];
  if (!aud.includes(ctx.tenant.issuer)) throw new InvalidRequestObject('the request object aud must be the issuer');
  // RFC 9101 §5: a client_id inside the object must be the requesting client.
  if (payload['client_id'] !== undefined && payload['client_id'] !== client.clientId) throw new InvalidRequestObject('the request object client_id does not match');
  // Portcullis requires exp (FAPI 2.0 Message Signing §5.3.1 requires exp and nbf).
  if (typeof payload.exp !== 'number') throw new InvalidRequestObject('the request object has no exp');
  if (payload.exp <= now - REQUEST_OBJECT_SKEW) throw new InvalidRequestObject('the request object has expired');
  if (payload.nbf !== undefined && (typeof payload.nbf !== 'number' || payload.nbf > now + REQUEST_OBJECT_SKEW)) throw new InvalidRequestObject('the request object is not yet valid');
  if (fapi && typeof payload.nbf !== 'number') throw new InvalidRequestObject('the request object has no nbf');
  const start = typeof payload.nbf === 'number' ? payload.nbf : typeof payload.iat === 'number' ? payload.iat : now;
  // FAPI 2.0 Message Signing §5.3.1: exp is no more than 60 minutes after nbf.
  if (payload.exp - start > MAX_REQUEST_OBJECT_LIFETIME) throw new InvalidRequestObject('the request object lifetime exceeds 60 minutes');
  // RFC 9101 §6.3: request objects do not nest.
  if (payload['request'] !== undefined || payload['request_uri'] !== undefined) throw new InvalidRequestObject('request objects must not contain request or request_uri');
}

/** The authorization request parameters a claim set carries, in wire form. */
export function claimsToParams(payload: JWTPayload): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(payload)) {
    if (JWT_CLAIMS.has(name) || value === undefined || value === null) continue;
    if (typeof value === 'string') out[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) out[name] = value as string[];
    else out[name] = JSON.stringify(value);
  }
  return out;
}

/**
 * Verifies a request object of `client` and returns its parameters. Throws
 * InvalidRequestObject for a bad signature, algorithm, issuer, audience, lifetime or a replay.
 */
export async function verifyRequestObject(ctx: Ctx, client: ClientRecord, jwt: string): Promise<Record<string, string | string[]>> {
  const payload = await verifySignature(ctx, client, await decryptIfEncrypted(ctx, jwt));
  checkClaims(ctx, client, payload);
  if (payload.jti !== undefined) {
    if (typeof payload.jti !== 'string' || payload.jti === '' || payload.jti.length > 512) throw new InvalidRequestObject('the request object jti is invalid');
    // RFC 9101 §10.4.2 / FAPI: a request object is used once; its jti is remembered until it expires.
    const fresh = await ctx.storage.replay.remember(ctx.tenant.id, `request_object:${client.clientId}`, payload.jti, (payload.exp ?? ctx.now()) + REQUEST_OBJECT_SKEW, ctx.now());
    if (!fresh) throw new InvalidRequestObject('the request object was already used');
  }
  return claimsToParams(payload);
}
