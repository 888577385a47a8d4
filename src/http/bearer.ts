/** Reads an RFC 6750 bearer token from a resource request (header §2.1 or form body §2.2). */
import type { FastifyRequest } from 'fastify';
import { InvalidRequest, MissingToken } from '../errors/oauth-error.ts';
import { Params } from './params.ts';

/** RFC 6750 §2.1: `b64token` syntax. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  const body = request.body instanceof Params ? request.body.get('access_token') : undefined;
  // RFC 6750 §3.1: more than one method is invalid_request.
  if (header !== undefined && body !== undefined) throw new InvalidRequest('the access token was sent in more than one way');
  if (body !== undefined) return body;
  if (header === undefined) throw new MissingToken('no access token');
  const match = /^Bearer +(\S+)$/i.exec(header.trim());
  if (!match?.[1] || !B64TOKEN.test(match[1])) {
    if (!/^Bearer\b/i.test(header)) throw new MissingToken('no bearer access token');
    throw new InvalidRequest('malformed Authorization header');
  }
  return match[1];
}

export interface AccessTokenCredentials {
  /** `DPoP` when sent as `Authorization: DPoP …` (RFC 9449 §7.1); `Bearer` otherwise. */
  scheme: 'Bearer' | 'DPoP';
  token: string;
}

/**
 * The access token of a resource request, accepting both RFC 6750 bearer forms and the
 * RFC 9449 §7.1 `DPoP` authorization scheme.
 */
export function accessTokenCredentials(request: FastifyRequest): AccessTokenCredentials {
  const header = request.headers.authorization?.trim();
  if (header !== undefined && /^DPoP\b/i.test(header)) {
    const match = /^DPoP +(\S+)$/i.exec(header);
    // RFC 9449 §7.1: token68 syntax, like a bearer token.
    if (!match?.[1] || !B64TOKEN.test(match[1])) throw new InvalidRequest('malformed Authorization header');
    // RFC 6750 §3.1: more than one method is invalid_request.
    if (request.body instanceof Params && request.body.get('access_token') !== undefined) throw new InvalidRequest('the access token was sent in more than one way');
    return { scheme: 'DPoP', token: match[1] };
  }
  return { scheme: 'Bearer', token: bearerToken(request) };
}
