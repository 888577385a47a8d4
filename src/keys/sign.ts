/**
 * Compact JWS signing with node:crypto and cached KeyObjects: several times faster than
 * WebCrypto for RS256/ES256/EdDSA on the token hot path (DESIGN.md §3). Output is verified with jose in tests.
 */
import { constants, sign, type KeyObject, type SignKeyObjectInput, type VerifyKeyObjectInput } from 'node:crypto';
import type { SigningAlg } from './types.ts';

function b64(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/** Accepted by both `sign` and `verify`. */
type SignKey = KeyObject | (SignKeyObjectInput & VerifyKeyObjectInput);

/** The digest and key options of RFC 7518 §3 (RS/PS/ES) and RFC 8037 (EdDSA) for node:crypto, to sign or verify. */
export function signArgs(alg: SigningAlg, key: KeyObject): [string | null, SignKey] {
  switch (alg) {
    case 'RS256':
      return ['sha256', key];
    case 'PS256':
      return ['sha256', { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }];
    case 'ES256':
      // RFC 7518 §3.4: R || S, not DER.
      return ['sha256', { key, dsaEncoding: 'ieee-p1363' }];
    case 'EdDSA':
      return [null, key];
  }
}

/**
 * Raw signature over `data`. RSA signatures take a few hundred microseconds each, so they run
 * on libuv's thread pool and the event loop keeps serving requests meanwhile; EC and EdDSA
 * signatures cost less than the hand-off and are made in place.
 */
export function signBytes(alg: SigningAlg, key: KeyObject, data: Buffer): Promise<Buffer> {
  const [digest, options] = signArgs(alg, key);
  if (alg === 'ES256' || alg === 'EdDSA') return Promise.resolve(sign(digest, data, options));
  return new Promise((resolve, reject) => sign(digest, data, options, (err, signature) => (err ? reject(err) : resolve(signature))));
}

/** A compact JWS of `payload` with header `{ alg, kid, typ }`. */
export async function signCompact(alg: SigningAlg, kid: string, key: KeyObject, payload: object, typ = 'JWT'): Promise<string> {
  const input = `${b64(JSON.stringify({ alg, typ, kid }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${(await signBytes(alg, key, Buffer.from(input))).toString('base64url')}`;
}
