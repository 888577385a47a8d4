/**
 * Compact JWS signing with node:crypto and cached KeyObjects: several times faster than
 * WebCrypto for RS256/ES256/EdDSA on the token hot path (DESIGN.md §3). Output is verified with jose in tests.
 */
import { constants, sign, type KeyObject } from 'node:crypto';
import type { SigningAlg } from './types.ts';

function b64(input: string | Buffer): string {
  return Buffer.from(input).toString('base64url');
}

/** Raw signature over `data` per RFC 7518 §3 (RS/PS/ES) and RFC 8037 (EdDSA). */
export function signBytes(alg: SigningAlg, key: KeyObject, data: Buffer): Buffer {
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key);
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 });
    case 'ES256':
      // RFC 7518 §3.4: R || S, not DER.
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' });
    case 'EdDSA':
      return sign(null, data, key);
  }
}

/** A compact JWS of `payload` with header `{ alg, kid, typ }`. */
export function signCompact(alg: SigningAlg, kid: string, key: KeyObject, payload: object, typ = 'JWT'): string {
  const input = `${b64(JSON.stringify({ alg, typ, kid }))}.${b64(JSON.stringify(payload))}`;
  return `${input}.${signBytes(alg, key, Buffer.from(input)).toString('base64url')}`;
}
