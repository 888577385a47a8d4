/** A client's public keys for request objects (RFC 9101 §6.2): its registered `jwks` or `jwks_uri`. */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import type { ClientMetadata } from '../domain/client.ts';

/** Timeout for fetching a client's `jwks_uri`, in milliseconds. */
const JWKS_TIMEOUT_MS = 3000;
const MAX_CACHED = 1000;
const remote = new Map<string, JWTVerifyGetKey>();

/** The client's key set, or undefined when it registered none. */
export function clientKeySet(metadata: ClientMetadata): JWTVerifyGetKey | undefined {
  if (metadata.jwks) return createLocalJWKSet(metadata.jwks);
  const uri = metadata.jwks_uri;
  if (!uri) return undefined;
  let set = remote.get(uri);
  if (!set) {
    set = createRemoteJWKSet(new URL(uri), { timeoutDuration: JWKS_TIMEOUT_MS });
    if (remote.size >= MAX_CACHED) {
      const oldest = remote.keys().next();
      if (!oldest.done) remote.delete(oldest.value);
    }
    remote.set(uri, set);
  }
  return set;
}

/** jwtVerify against a key set, trying every candidate when several keys match the header. */
export async function verifyWithKeySet(jwt: string, keySet: JWTVerifyGetKey, options: JWTVerifyOptions): Promise<JWTPayload> {
  try {
    return (await jwtVerify(jwt, keySet, options)).payload;
  } catch (error) {
    if (!(error instanceof errors.JWKSMultipleMatchingKeys)) throw error;
    for await (const key of error) {
      try {
        return (await jwtVerify(jwt, key, options)).payload;
      } catch (inner) {
        if (!(inner instanceof errors.JWSSignatureVerificationFailed)) throw inner;
      }
    }
    throw new errors.JWSSignatureVerificationFailed();
  }
}
