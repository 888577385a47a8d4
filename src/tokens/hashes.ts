/** OIDC Core §3.1.3.6 / §3.3.2.11: at_hash and c_hash — left half of the hash the JWS alg uses. */
import { hash } from 'node:crypto';
import type { SigningAlg } from '../keys/types.ts';

export function halfHash(alg: SigningAlg, value: string): string {
  // Ed25519 signs with SHA-512 internally; implementations use SHA-512 for its half-hashes.
  const digest = hash(alg === 'EdDSA' ? 'sha512' : 'sha256', Buffer.from(value, 'ascii'), 'buffer');
  return digest.subarray(0, digest.length / 2).toString('base64url');
}
