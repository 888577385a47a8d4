/**
 * DPoP proof checks that need no server state (RFC 9449 §4.3): shared by the authorization
 * server (token endpoint, PAR, UserInfo) and the exported resource-server helper.
 * Replay and nonce checks are layered on top by the caller.
 */
import { hash } from 'node:crypto';
import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify, type JWK } from 'jose';
import { InvalidDpopProof } from '../errors/oauth-error.ts';

/** Asymmetric JWS algorithms accepted in proofs (RFC 9449 §4.2: never `none` or a MAC). */
export const DPOP_SIGNING_ALGS = ['ES256', 'PS256', 'EdDSA', 'RS256'] as const;
/** Seconds a proof's `iat` may lie in the past. */
export const DPOP_MAX_AGE = 300;
/** Seconds a proof's `iat` may lie in the future (clock skew). */
export const DPOP_CLOCK_SKEW = 60;
/** Longest accepted `jti`: it goes into the replay cache. */
const MAX_JTI_LENGTH = 256;
/** JWK members that only private (or symmetric) keys have. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

export interface ProofExpectations {
  /** The HTTP method of the request (`htm`). */
  method: string;
  /** The request's absolute URL; query and fragment are ignored (RFC 9449 §4.3 step 9). */
  url: string;
  /** The access token presented with the proof, for the `ath` check (RFC 9449 §4.3 step 12). */
  accessToken?: string;
  now: number;
  /** Algorithms allowed here (default DPOP_SIGNING_ALGS). */
  algorithms?: readonly string[];
}

export interface CheckedProof {
  /** RFC 7638 thumbprint of the proof key: what tokens are bound to (`cnf.jkt`). */
  jkt: string;
  alg: string;
  jti: string;
  iat: number;
  nonce: string | undefined;
  /** Epoch seconds until which the proof's `jti` must be remembered (RFC 9449 §11.1): past its acceptable `iat` window. */
  replayUntil: number;
}

/** RFC 9449 §4.3 step 9: compare URIs without query and fragment. */
function withoutQuery(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    parsed.search = '';
    parsed.hash = '';
    return parsed.href;
  } catch {
    return undefined;
  }
}

/** The `ath` value for an access token: base64url(SHA-256(token)) (RFC 9449 §4.2). */
export function accessTokenHash(token: string): string {
  return hash('sha256', Buffer.from(token, 'ascii'), 'base64url');
}

/**
 * Checks one DPoP proof JWT against the request it came with. Throws InvalidDpopProof with a
 * public description for every failure. Does not check replay or nonces.
 */
export async function checkDpopProof(proof: string, expect: ProofExpectations): Promise<CheckedProof> {
  const algorithms = [...(expect.algorithms ?? DPOP_SIGNING_ALGS)];
  let header;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw new InvalidDpopProof('the DPoP proof is not a JWT');
  }
  // RFC 9449 §4.3 step 4: typ is dpop+jwt.
  if (header.typ !== 'dpop+jwt') throw new InvalidDpopProof('the DPoP proof typ must be dpop+jwt');
  // RFC 9449 §4.3 step 5: an asymmetric algorithm the server supports.
  if (typeof header.alg !== 'string' || !algorithms.includes(header.alg)) throw new InvalidDpopProof(`DPoP proof alg ${String(header.alg)} is not accepted`);
  const jwk = header.jwk as JWK | undefined;
  // RFC 9449 §4.3 step 7: the jwk header is a public key.
  if (!jwk || typeof jwk !== 'object') throw new InvalidDpopProof('the DPoP proof has no jwk header');
  if (PRIVATE_MEMBERS.some((m) => m in jwk)) throw new InvalidDpopProof('the DPoP proof jwk must be a public key');

  let payload;
  try {
    // RFC 9449 §4.3 step 6: the signature verifies with the embedded key.
    ({ payload } = await jwtVerify(proof, EmbeddedJWK, { algorithms, typ: 'dpop+jwt', currentDate: new Date(expect.now * 1000) }));
  } catch (err) {
    const reason = err instanceof errors.JOSEError ? err.code : 'invalid';
    throw new InvalidDpopProof('the DPoP proof signature is invalid', { detail: reason });
  }
  const { jti, htm, htu, iat, ath, nonce } = payload as Record<string, unknown>;
  // RFC 9449 §4.2: jti, htm, htu and iat are required.
  if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI_LENGTH) throw new InvalidDpopProof('the DPoP proof jti is missing or invalid');
  if (typeof iat !== 'number' || !Number.isFinite(iat)) throw new InvalidDpopProof('the DPoP proof iat is missing');
  // RFC 9449 §4.3 step 8: htm matches the request method.
  if (htm !== expect.method) throw new InvalidDpopProof('the DPoP proof htm does not match the request method');
  // RFC 9449 §4.3 step 9: htu matches the request URI, ignoring query and fragment.
  if (typeof htu !== 'string' || withoutQuery(htu) === undefined || withoutQuery(htu) !== withoutQuery(expect.url)) {
    throw new InvalidDpopProof('the DPoP proof htu does not match the request URI');
  }
  // RFC 9449 §4.3 step 11: iat within an acceptable window.
  if (iat > expect.now + DPOP_CLOCK_SKEW) throw new InvalidDpopProof('the DPoP proof iat is in the future');
  if (iat < expect.now - DPOP_MAX_AGE) throw new InvalidDpopProof('the DPoP proof is too old');
  if (nonce !== undefined && typeof nonce !== 'string') throw new InvalidDpopProof('the DPoP proof nonce must be a string');
  if (expect.accessToken !== undefined) {
    // RFC 9449 §4.3 step 12: ath is the hash of the access token presented with it.
    if (ath !== accessTokenHash(expect.accessToken)) throw new InvalidDpopProof('the DPoP proof ath does not match the access token');
  }
  return { jkt: await calculateJwkThumbprint(jwk, 'sha256'), alg: header.alg, jti, iat, nonce, replayUntil: iat + DPOP_MAX_AGE + DPOP_CLOCK_SKEW };
}

/**
 * The single DPoP header value. Node joins repeated headers with `, ` and a compact JWS has no
 * commas, so a comma means several headers (RFC 9449 §4.3 step 1: at most one).
 */
export function singleProof(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const value = Array.isArray(header) ? header.join(', ') : header;
  if (value.includes(',')) throw new InvalidDpopProof('more than one DPoP header');
  const trimmed = value.trim();
  if (trimmed === '') throw new InvalidDpopProof('the DPoP header is empty');
  return trimmed;
}
