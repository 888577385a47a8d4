/**
 * The tenant's key for encrypted request objects (RFC 9101 §6.1): an X25519 key for
 * ECDH-ES, derived from the key-encryption secret and the tenant id, so every instance holds
 * the same key without storing it. Published in the JWKS (`use: enc`) when
 * `features.requestObjectEncryption` is on.
 */
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { Ctx } from '../context.ts';

/** JWE key management and content encryption algorithms accepted for request objects. */
export const REQUEST_OBJECT_ENC_ALGS = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'];
export const REQUEST_OBJECT_ENC_ENCS = ['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'];

/** PKCS#8 DER prefix of a raw 32-byte X25519 private key (RFC 8410). */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export interface RequestObjectKey {
  privateKey: KeyObject;
  publicJwk: JWK;
}

const cache = new Map<string, Promise<RequestObjectKey>>();

async function derive(secret: string): Promise<RequestObjectKey> {
  const raw = Buffer.from(secret, 'base64url');
  const privateKey = createPrivateKey({ key: Buffer.concat([X25519_PKCS8_PREFIX, raw]), format: 'der', type: 'pkcs8' });
  const jwk = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk: JWK = { kty: 'OKP', crv: 'X25519', x: jwk.x ?? '', use: 'enc', alg: 'ECDH-ES', kid: `enc-${await calculateJwkThumbprint({ kty: 'OKP', crv: 'X25519', x: jwk.x ?? '' })}` };
  return { privateKey, publicJwk };
}

/** The tenant's request object encryption key (the same on every instance sharing the secret). */
export function requestObjectKey(ctx: Ctx): Promise<RequestObjectKey> {
  // Keyed by the derived secret itself: processes may serve several key-encryption secrets (tests).
  const secret = ctx.kek.mac('request-object-encryption', ctx.tenant.id);
  let key = cache.get(secret);
  if (!key) {
    key = derive(secret);
    cache.set(secret, key);
  }
  return key;
}
