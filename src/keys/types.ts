/** JWS algorithms Portcullis signs with. */
export const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

export function isSigningAlg(value: unknown): value is SigningAlg {
  return typeof value === 'string' && (SIGNING_ALGS as readonly string[]).includes(value);
}

/** A public JWK as published in JWKS: public members only, with `kid`, `use` and `alg`. */
export interface PublicJwk {
  kty: string;
  kid: string;
  use: 'sig';
  alg: SigningAlg;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

import type { KeyObject } from 'node:crypto';
import type { JWTPayload, JWTVerifyResult } from 'jose';

export interface ActiveKey {
  kid: string;
  alg: SigningAlg;
  privateKey: KeyObject;
}

export interface JwtHeaderExtras {
  /** `typ` header: `JWT`, `at+jwt`, `logout+jwt`, `token-introspection+jwt`, … */
  typ?: string;
}

/** Per-tenant signing keys: generation, rotation, JWKS, and fast signing with cached KeyObjects. */
export interface KeyService {
  /** Generates an active key for every algorithm the tenant lacks one for. Idempotent. */
  ensure(tenantId: string): Promise<void>;
  /** The tenant's active key for `alg` (generated on demand). */
  active(tenantId: string, alg: SigningAlg): Promise<ActiveKey>;
  /** Published public keys: active keys first, then retired ones until they expire. */
  jwks(tenantId: string): Promise<{ keys: PublicJwk[] }>;
  /** Makes a new key active for each of `algs` (default: all); old ones stay published until they expire. */
  rotate(tenantId: string, algs?: readonly SigningAlg[]): Promise<PublicJwk[]>;
  /** Signs a compact JWS with the tenant's active key for `alg` (header carries `kid`). */
  sign(tenantId: string, alg: SigningAlg, payload: JWTPayload, header?: JwtHeaderExtras): Promise<string>;
  /** Verifies a JWT signed by one of the tenant's published keys (signature, `exp`/`nbf` via jose). */
  verify(tenantId: string, jwt: string, options?: { currentDate?: Date; typ?: string }): Promise<JWTVerifyResult>;
}
