/** Signing key generation: one key pair per algorithm, `kid` = RFC 7638 JWK thumbprint. */
import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { calculateJwkThumbprint, type JWK } from 'jose';
import type { KeyStatus, SigningKeyRecord } from '../storage/types.ts';
import type { Kek } from './kek.ts';
import type { PublicJwk, SigningAlg } from './types.ts';

const generate = promisify(generateKeyPair);

export interface GeneratedKey {
  kid: string;
  alg: SigningAlg;
  publicJwk: PublicJwk;
  privatePem: string;
}

async function keyPair(alg: SigningAlg): Promise<{ publicKey: KeyObject; privateKey: KeyObject }> {
  switch (alg) {
    case 'RS256':
    case 'PS256':
      return generate('rsa', { modulusLength: 2048, publicExponent: 0x10001 });
    case 'ES256':
      return generate('ec', { namedCurve: 'P-256' });
    case 'EdDSA':
      return generate('ed25519');
  }
}

/** Public JWK members only (RFC 7517 §4, RFC 7518 §6): never `d`, `p`, `q`, … */
export function publicMembers(jwk: JWK): Omit<PublicJwk, 'kid' | 'use' | 'alg'> {
  const { kty, n, e, crv, x, y } = jwk;
  if (!kty) throw new Error('JWK without kty');
  const out: Omit<PublicJwk, 'kid' | 'use' | 'alg'> = { kty };
  if (n !== undefined) out.n = n;
  if (e !== undefined) out.e = e;
  if (crv !== undefined) out.crv = crv;
  if (x !== undefined) out.x = x;
  if (y !== undefined) out.y = y;
  return out;
}

export async function generateSigningKey(alg: SigningAlg): Promise<GeneratedKey> {
  const { publicKey, privateKey } = await keyPair(alg);
  const members = publicMembers(publicKey.export({ format: 'jwk' }) as JWK);
  // The thumbprint covers the key material only, so RS256 and PS256 keys never collide by alg.
  const kid = await calculateJwkThumbprint(members as JWK, 'sha256');
  return {
    kid,
    alg,
    publicJwk: { ...members, kid, use: 'sig', alg },
    privatePem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/**
 * A new key of `tenantId` for `alg` as it is stored: the private key encrypted with `kek`,
 * `createdAt` read from `now` once the key exists, no expiry.
 */
export async function newSigningKeyRecord(tenantId: string, alg: SigningAlg, kek: Kek, status: KeyStatus, now: () => number): Promise<SigningKeyRecord> {
  const key = await generateSigningKey(alg);
  return {
    tenantId,
    kid: key.kid,
    alg,
    publicJwk: key.publicJwk,
    privateKeyEncrypted: kek.encrypt(key.privatePem),
    status,
    createdAt: now(),
    expiresAt: null,
  };
}
