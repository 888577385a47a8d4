/**
 * Keys for verifying JWTs that others sign (clients' assertions and request objects, software
 * statements, trusted issuers' tokens): an inline `jwks`, or a `jwks_uri` fetched by jose.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { cappedJwksFetch } from '../security/bounded-fetch.ts';

/** Where a party's public keys are: inline or at a URL (client metadata and config spell them so). */
export interface KeySource {
  jwks?: JSONWebKeySet | undefined;
  jwks_uri?: string | undefined;
}

/** Timeout for fetching a `jwks_uri`, in milliseconds. */
const JWKS_TIMEOUT_MS = 3000;
/** Most remote key sets kept; the oldest is dropped past this. */
const MAX_CACHED_JWKS_URIS = 1000;
const remoteSets = new Map<string, JWTVerifyGetKey>();

/**
 * One remote key set per `jwks_uri`, so jose's fetch cache (refetched on an unknown `kid`, with a
 * cooldown) is shared by every request and every caller that names the same URI.
 */
export function remoteKeySet(uri: string): JWTVerifyGetKey {
  const cached = remoteSets.get(uri);
  if (cached) return cached;
  const keySet = createRemoteJWKSet(new URL(uri), { timeoutDuration: JWKS_TIMEOUT_MS, ...cappedJwksFetch });
  if (remoteSets.size >= MAX_CACHED_JWKS_URIS) {
    const oldest = remoteSets.keys().next();
    if (!oldest.done) remoteSets.delete(oldest.value);
  }
  remoteSets.set(uri, keySet);
  return keySet;
}

/**
 * Inline key sets by the object that holds them: a client record stays the same object while
 * it is cached (storage/read-cache.ts), so its keys are imported once, not on every assertion.
 */
const localSets = new WeakMap<JSONWebKeySet, JWTVerifyGetKey>();

function localKeySet(jwks: JSONWebKeySet): JWTVerifyGetKey {
  let keySet = localSets.get(jwks);
  if (!keySet) {
    keySet = createLocalJWKSet(jwks);
    localSets.set(jwks, keySet);
  }
  return keySet;
}

/** The key set of `source`: its inline `jwks` first, else its `jwks_uri`; undefined when it has neither. */
export function keySetOf(source: KeySource): JWTVerifyGetKey | undefined {
  if (source.jwks) return localKeySet(source.jwks);
  return source.jwks_uri ? remoteKeySet(source.jwks_uri) : undefined;
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
