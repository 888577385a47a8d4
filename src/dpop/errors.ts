/**
 * DPoP errors at resource endpoints (UserInfo, APIs): RFC 9449 §7.1 and §9 use 401 with a
 * `WWW-Authenticate: DPoP` challenge, where the token endpoint answers 400.
 */
import { InvalidDpopProof, InvalidToken, UseDpopNonce, type ErrorOptions } from '../errors/oauth-error.ts';
import { bearerChallenge } from '../errors/render.ts';
import { DPOP_SIGNING_ALGS } from './proof.ts';

/** The `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1), with the accepted `algs`. */
export function dpopChallenge(realm: string, error?: { code: string; description: string }, algs: readonly string[] = DPOP_SIGNING_ALGS): string {
  return `${bearerChallenge('DPoP', realm, error)}, algs="${algs.join(' ')}"`;
}

export class ResourceInvalidDpopProof extends InvalidDpopProof {
  override readonly status = 401;
  override readonly redirectable = false;
}

export class ResourceUseDpopNonce extends UseDpopNonce {
  override readonly status = 401;
  override readonly redirectable = false;
}

/** Re-raises a proof error as its resource-endpoint form, with the DPoP challenge attached. */
export function asResourceError(err: InvalidDpopProof | UseDpopNonce, realm: string): ResourceInvalidDpopProof | ResourceUseDpopNonce {
  const headers = { ...err.headers, 'www-authenticate': dpopChallenge(realm, err) };
  const options: ErrorOptions = { headers, ...(err.detail !== undefined ? { detail: err.detail } : {}) };
  return err instanceof UseDpopNonce ? new ResourceUseDpopNonce(err.description, options) : new ResourceInvalidDpopProof(err.description, options);
}

/** `invalid_token` with a DPoP challenge (RFC 9449 §7.1: the token is DPoP-bound, or was sent as DPoP). */
export function dpopInvalidToken(description: string, realm: string): InvalidToken {
  return new InvalidToken(description, { headers: { 'www-authenticate': dpopChallenge(realm, { code: 'invalid_token', description }) } });
}
