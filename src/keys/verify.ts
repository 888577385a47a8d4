/**
 * Verification of JWTs this server signed, with node:crypto and KeyObjects made once per key
 * set: WebCrypto's asynchronous verification (through jose) cost several times the signature
 * check itself on every UserInfo call with a JWT access token. The checks are those of jose's
 * jwtVerify for the options used here, and failures throw jose's error classes, so callers
 * cannot tell the two apart.
 */
import { createPublicKey, verify, type JsonWebKey, type KeyObject } from 'node:crypto';
import { errors, type JWTHeaderParameters, type JWTPayload, type JWTVerifyResult } from 'jose';
import { signArgs } from './sign.ts';
import { isSigningAlg, type PublicJwk, type SigningAlg } from './types.ts';

export interface VerificationKey {
  alg: SigningAlg;
  key: KeyObject;
}

/** Public keys by `kid`. */
export type VerificationKeys = Map<string, VerificationKey>;

/**
 * The public keys of `keys` by `kid`. A key already in `previous` (same `kid` and `alg`: a
 * kid names one key for good) is taken from there rather than imported again, so reloading a
 * tenant's key set costs one import per new key only.
 */
export function verificationKeys(keys: ReadonlyArray<{ kid: string; alg: SigningAlg; publicJwk: PublicJwk }>, previous?: VerificationKeys): VerificationKeys {
  return new Map(
    keys.map((k) => {
      const known = previous?.get(k.kid);
      return [k.kid, known?.alg === k.alg ? known : { alg: k.alg, key: createPublicKey({ key: { ...k.publicJwk } as JsonWebKey, format: 'jwk' }) }];
    }),
  );
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeJson(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

/** RFC 8725 §3.11 / jose: `application/at+jwt` and `at+jwt` are the same type. */
function normaliseTyp(typ: string): string {
  return typ.toLowerCase().replace(/^application\//, '');
}

function numericDate(payload: JWTPayload, claim: 'iat' | 'nbf' | 'exp'): number | undefined {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new errors.JWTClaimValidationFailed(`"${claim}" claim must be a number`, payload, claim, 'invalid');
  return value;
}

export interface VerifyOptions {
  /** The expected `typ` header. */
  typ?: string;
  /** Epoch seconds to check `exp` and `nbf` against. */
  now: number;
}

export function verifyJwt(jwt: string, keys: VerificationKeys, options: VerifyOptions): JWTVerifyResult {
  const parts = jwt.split('.');
  // RFC 7515 §7.1: three base64url segments.
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) throw new errors.JWSInvalid('Compact JWS must be three base64url segments');
  const [encodedHeader, encodedPayload, encodedSignature] = parts as [string, string, string];
  const header = decodeJson(encodedHeader);
  if (!isObject(header)) throw new errors.JWSInvalid('JWS Protected Header is invalid');
  // RFC 7515 §4.1.11: no extension is understood here, so any `crit` is refused.
  if (header['crit'] !== undefined) throw new errors.JWSInvalid('"crit" Header Parameter is not supported');
  const alg = header['alg'];
  // RFC 8725 §3.1: only the algorithms this server signs with; never `none`.
  if (!isSigningAlg(alg)) throw new errors.JOSEAlgNotAllowed('"alg" (Algorithm) Header Parameter value not allowed');
  const kid = header['kid'];
  const entry = typeof kid === 'string' ? keys.get(kid) : undefined;
  // RFC 8725 §3.1: the key decides the algorithm, not the header.
  if (!entry || entry.alg !== alg) throw new errors.JWKSNoMatchingKey();
  const [digest, key] = signArgs(alg, entry.key);
  let valid = false;
  try {
    valid = verify(digest, Buffer.from(`${encodedHeader}.${encodedPayload}`), key, Buffer.from(encodedSignature, 'base64url'));
  } catch {
    valid = false;
  }
  if (!valid) throw new errors.JWSSignatureVerificationFailed();
  const payload = decodeJson(encodedPayload);
  if (!isObject(payload)) throw new errors.JWTInvalid('JWT Claims Set must be a top-level JSON object');
  const claims = payload as JWTPayload;
  const typ = header['typ'];
  if (options.typ !== undefined && (typeof typ !== 'string' || normaliseTyp(typ) !== normaliseTyp(options.typ))) {
    throw new errors.JWTClaimValidationFailed('unexpected "typ" JWT header value', claims, 'typ', 'check_failed');
  }
  numericDate(claims, 'iat');
  const nbf = numericDate(claims, 'nbf');
  // RFC 7519 §4.1.5 and §4.1.4.
  if (nbf !== undefined && nbf > options.now) throw new errors.JWTClaimValidationFailed('"nbf" claim timestamp check failed', claims, 'nbf', 'check_failed');
  const exp = numericDate(claims, 'exp');
  if (exp !== undefined && exp <= options.now) throw new errors.JWTExpired('"exp" claim timestamp check failed', claims, 'exp', 'check_failed');
  return { payload: claims, protectedHeader: header as JWTHeaderParameters };
}
