/** A client's public keys for request objects (RFC 9101 §6.2): its registered `jwks` or `jwks_uri`. */
import type { JWTVerifyGetKey } from 'jose';
import type { ClientMetadata } from '../domain/client.ts';
import { keySetOf } from '../keys/verification-keys.ts';

export { verifyWithKeySet } from '../keys/verification-keys.ts';

/** The client's key set, or undefined when it registered none. */
export function clientKeySet(metadata: ClientMetadata): JWTVerifyGetKey | undefined {
  return keySetOf(metadata);
}
