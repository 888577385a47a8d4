/**
 * For APIs protected by Portcullis: validates a JWT access token (RFC 9068) from a request,
 * including DPoP sender constraint (RFC 9449 §7) when the token carries `cnf.jkt`. It needs
 * only the issuer's JWKS; revocation before expiry is visible through introspection only.
 */
import { errors, jwtVerify, type JWTPayload } from 'jose';
import { dpopChallenge } from '../dpop/errors.ts';
import { checkDpopProof, singleProof } from '../dpop/proof.ts';
import { OAuthError } from '../errors/oauth-error.ts';
import { bearerChallenge } from '../errors/render.ts';
import { remoteKeySet } from '../keys/verification-keys.ts';

/** The parts of an incoming HTTP request the check needs. */
export interface ResourceRequest {
  method: string;
  /** The absolute URL the client called (the API's public URL plus path); query is ignored for DPoP. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
}

/** Remembers DPoP proof ids; `remember` is true the first time, false for a replay. Share one across instances. */
export interface ProofReplayStore {
  /** False when `key` is already remembered and unexpired at `now` (epoch seconds, the verifier's clock). */
  remember(key: string, expiresAt: number, now: number): boolean | Promise<boolean>;
}

export interface VerifyAccessTokenOptions {
  /** The Portcullis issuer (a tenant's issuer for tenants). */
  issuer: string;
  /** This API's resource identifier: the `aud` its tokens carry. */
  audience: string | string[];
  /** Default `<issuer>/.well-known/jwks.json`. */
  jwksUri?: string;
  /** Scopes every request must carry; missing ones are 403 insufficient_scope. */
  requiredScopes?: string[];
  /** Access token algorithms to accept (default RS256, PS256, ES256, EdDSA). */
  algorithms?: string[];
  /** DPoP replay cache; default a per-process memory store. */
  replay?: ProofReplayStore;
  /** Epoch seconds (tests). */
  now?: () => number;
  /** Realm of challenges (default the issuer). */
  realm?: string;
}

export interface VerifiedAccessToken {
  /** The user, or the client for client tokens. */
  sub: string;
  clientId: string;
  scopes: string[];
  /** The DPoP key thumbprint the token is bound to (and the proof was made with). */
  jkt: string | undefined;
  claims: JWTPayload;
}

/** A refusal to answer as is: `status`, the `WWW-Authenticate` value and the JSON body. */
export class AccessTokenError extends Error {
  constructor(
    readonly status: 400 | 401 | 403,
    /** RFC 6750 §3.1 / RFC 9449 §7.1 error code; undefined when no credentials were sent. */
    readonly code: string | undefined,
    readonly description: string,
    readonly wwwAuthenticate: string,
  ) {
    super(description);
    this.name = 'AccessTokenError';
  }
}

const ACCESS_TOKEN_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*$/;

/** A memory replay store, swept lazily. */
export function memoryReplayStore(): ProofReplayStore {
  const seen = new Map<string, number>();
  return {
    remember(key, expiresAt, now) {
      if (seen.size > 10000) for (const [k, exp] of seen) if (exp <= now) seen.delete(k);
      const known = seen.get(key);
      if (known !== undefined && known > now) return false;
      seen.set(key, expiresAt);
      return true;
    },
  };
}

const defaultReplay = memoryReplayStore();

function header(request: ResourceRequest, name: string): string | string[] | undefined {
  return request.headers[name] ?? request.headers[name.toLowerCase()];
}

/**
 * Validates the access token of `request`. Resolves with who and what it grants; rejects with
 * AccessTokenError (401 invalid_token / invalid_dpop_proof / use_dpop_nonce, 400
 * invalid_request, 403 insufficient_scope) whose `wwwAuthenticate` is ready to send.
 */
export async function verifyAccessToken(request: ResourceRequest, options: VerifyAccessTokenOptions): Promise<VerifiedAccessToken> {
  const realm = options.realm ?? options.issuer;
  const now = options.now?.() ?? Math.floor(Date.now() / 1000);
  const raw = header(request, 'authorization');
  const authorization = Array.isArray(raw) ? raw[0] : raw;
  // RFC 6750 §3.1: no credentials, a challenge without an error code.
  if (!authorization) throw new AccessTokenError(401, undefined, 'no access token', `${bearerChallenge('Bearer', realm)}, ${dpopChallenge(realm)}`);
  const match = /^(Bearer|DPoP) +(\S+)$/i.exec(authorization.trim());
  if (!match?.[1] || !match[2] || !TOKEN68.test(match[2])) throw new AccessTokenError(400, 'invalid_request', 'malformed Authorization header', bearerChallenge('Bearer', realm, { code: 'invalid_request', description: '' }));
  const scheme = match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  const token = match[2];
  const fail = (code: string, description: string, status: 401 | 403 = 401) =>
    new AccessTokenError(status, code, description, scheme === 'DPoP' ? dpopChallenge(realm, { code, description }) : bearerChallenge('Bearer', realm, { code, description }));

  // One key set per JWKS URL for the process (bounded, with a fetch timeout and a size cap).
  const keys = remoteKeySet(options.jwksUri ?? `${options.issuer}/.well-known/jwks.json`);
  let claims: JWTPayload;
  try {
    // RFC 9068 §4: typ at+jwt, the expected issuer and audience, unexpired; RFC 9068 §2.2: the
    // claims every JWT access token carries.
    ({ payload: claims } = await jwtVerify(token, keys, {
      issuer: options.issuer,
      audience: options.audience,
      typ: 'at+jwt',
      requiredClaims: ['exp', 'sub', 'client_id', 'iat', 'jti'],
      algorithms: options.algorithms ?? ACCESS_TOKEN_ALGS,
      currentDate: new Date(now * 1000),
    }));
  } catch (error) {
    const reason = error instanceof errors.JOSEError ? error.code : 'invalid';
    throw fail('invalid_token', `the access token is invalid or expired (${reason})`);
  }

  const cnf = claims['cnf'] as { jkt?: unknown } | undefined;
  const bound = typeof cnf?.jkt === 'string' ? cnf.jkt : undefined;
  if (bound === undefined && scheme === 'DPoP') throw fail('invalid_token', 'the access token is not DPoP-bound');
  if (bound !== undefined) {
    // RFC 9449 §7.2: a DPoP-bound token is never accepted as a bearer token.
    if (scheme !== 'DPoP') throw new AccessTokenError(401, 'invalid_token', 'the access token is DPoP-bound', dpopChallenge(realm, { code: 'invalid_token', description: 'the access token is DPoP-bound' }));
    try {
      const proof = singleProof(header(request, 'dpop'));
      if (proof === undefined) throw fail('invalid_dpop_proof', 'a DPoP proof is required');
      const checked = await checkDpopProof(proof, { method: request.method.toUpperCase(), url: request.url, accessToken: token, now });
      // RFC 9449 §7.1: the proof key is the key the token is bound to.
      if (checked.jkt !== bound) throw fail('invalid_dpop_proof', 'the DPoP proof key does not match the access token');
      // RFC 9449 §11.1: each proof once.
      const fresh = await (options.replay ?? defaultReplay).remember(`${checked.jkt}:${checked.jti}`, checked.replayUntil, now);
      if (!fresh) throw fail('invalid_dpop_proof', 'the DPoP proof was already used');
    } catch (error) {
      if (error instanceof OAuthError) throw fail(error.code, error.description);
      throw error;
    }
  }

  const scopes = typeof claims['scope'] === 'string' ? claims['scope'].split(' ').filter(Boolean) : [];
  const missing = (options.requiredScopes ?? []).filter((s) => !scopes.includes(s));
  // RFC 6750 §3.1: too little scope is 403 insufficient_scope.
  if (missing.length > 0) throw fail('insufficient_scope', `missing scope: ${missing.join(' ')}`, 403);
  return { sub: String(claims.sub), clientId: String(claims['client_id'] ?? ''), scopes, jkt: bound, claims };
}
